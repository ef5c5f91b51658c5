package dev.goldsmith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code goldsmith.*} setting of the control plane; each also reads from its environment form
 * ({@code GOLDSMITH_LEASE_TTL} for {@code goldsmith.lease-ttl}). {@code publicUrl} is where clients reach the
 * control plane (behind a proxy, say); it roots the URLs in provenance and in registry answers, which otherwise
 * take the request's own base URL. {@code installerDir} ({@code GOLDSMITH_INSTALLER_DIR}, default
 * {@code <dataDir>/installers}) holds the reference installer media ({@code <name>.img} or {@code .iso}) that are
 * registered at start-up. {@code trustedProxies} lists the addresses (or CIDR ranges) of the reverse proxies whose
 * {@code Forwarded}/{@code X-Forwarded-*} headers are believed when no {@code publicUrl} is set; a request from
 * anywhere else has those headers ignored.
 */
@ConfigurationProperties("goldsmith")
public record GoldsmithProperties(
        Path dataDir,
        Path installerDir,
        String adminToken,
        String publicUrl,
        @DefaultValue Db db,
        @DefaultValue("2m") Duration leaseTtl,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue Queue queue,
        @DefaultValue Workers workers,
        @DefaultValue Builds builds,
        @DefaultValue Limits limits,
        @DefaultValue Security security,
        @DefaultValue S3 s3,
        @DefaultValue Artifacts artifacts,
        @DefaultValue Provenance provenance,
        @DefaultValue Registry registry,
        @DefaultValue Refresh refresh,
        List<String> trustedProxies) {

    /** Settings that cannot work together are refused at start, all of them named at once. */
    public GoldsmithProperties {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        List<String> problems = SettingsRules.violations(leaseTtl, maxAttempts, queue, workers, builds, limits,
                artifacts, trustedProxies);
        problems.addAll(SettingsRules.violations(db, s3));
        problems.addAll(SettingsRules.violations(refresh));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Goldsmith cannot run with these settings:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /** Where the reference installer media are: {@code installerDir}, else {@code <dataDir>/installers}. */
    public Path referenceInstallers() {
        return installerDir != null ? installerDir : dataDir.resolve("installers");
    }

    /**
     * External PostgreSQL; when {@code url} is blank the service runs its own under {@code dataDir}. Every call
     * has a deadline: {@code connectTimeout} to open a connection, {@code poolTimeout} to get one from the pool,
     * {@code socketTimeout} for any answer from the server (a hung or partitioned database), and PostgreSQL's own
     * {@code statement_timeout}: {@code statementTimeout} for API requests and claims, {@code batchTimeout} for
     * the statements of a batch (group commit, sweeps), {@code migrationTimeout} for Flyway's, on connections of
     * their own. Parameters in {@code url} win over these.
     */
    public record Db(
            String url,
            String user,
            String password,
            @DefaultValue("20") int poolSize,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("5s") Duration poolTimeout,
            @DefaultValue("10s") Duration socketTimeout,
            @DefaultValue("5s") Duration statementTimeout,
            @DefaultValue("8s") Duration batchTimeout,
            @DefaultValue("30m") Duration migrationTimeout) {
        public boolean external() {
            return url != null && !url.isBlank();
        }
    }

    /** Long-poll claims: how long a claim may wait, and how often it looks again without a NOTIFY. */
    public record Queue(
            @DefaultValue("30s") Duration claimWait,
            @DefaultValue("2s") Duration pollInterval,
            @DefaultValue("5s") Duration sweepInterval) {
    }

    /** A worker not heard from within {@code offlineAfter} is not counted as online. */
    public record Workers(@DefaultValue("90s") Duration offlineAfter, @DefaultValue("20s") Duration heartbeatInterval) {
    }

    /**
     * Defaults and bounds applied to build requests. {@code fingerprintKeyFile} holds the HMAC key (32 random
     * bytes, base64) that secret answers enter the input fingerprint through, else
     * {@code <dataDir>/keys/fingerprint-hmac.key}, generated at first start. Replicas must share it; replacing
     * it makes every earlier build with secret answers a cache miss.
     */
    public record Builds(
            @DefaultValue("reference-tiny") String defaultInstaller,
            @DefaultValue("2h") Duration defaultTimeout,
            @DefaultValue("5m") Duration minTimeout,
            @DefaultValue("24h") Duration maxTimeout,
            Path fingerprintKeyFile) {
    }

    /** How long a resolved token is trusted without asking the database again. */
    public record Security(@DefaultValue("10s") Duration tokenCacheTtl) {
    }

    /**
     * The object store. With {@code endpoint} blank the service runs an embedded S3Proxy over
     * {@code <dataDir>/s3} on {@code embeddedAddress}:{@code embeddedPort} (0 = any free port). Presigned URLs
     * point at {@code publicEndpoint} when set, else at the endpoint the service itself uses. Blank keys: the
     * embedded store makes up a pair at each start.
     */
    public record S3(
            String endpoint,
            @DefaultValue("goldsmith-images") String bucket,
            String accessKey,
            String secretKey,
            @DefaultValue("us-east-1") String region,
            String publicEndpoint,
            @DefaultValue("0") int embeddedPort,
            @DefaultValue("127.0.0.1") String embeddedAddress,
            @DefaultValue Timeouts timeouts) {
        public boolean external() {
            return endpoint != null && !endpoint.isBlank();
        }

        /**
         * Deadlines of every call to the store: {@code connect}; {@code read} and {@code write}, the longest a
         * transfer may go without a byte (a read-back of a large image may take long, but never stall);
         * {@code call}, the whole of a request that moves no object (stat, delete, small writes, starting or
         * aborting an upload); {@code complete}, assembling a multipart upload, which a store may take a while
         * over for a large object.
         */
        public record Timeouts(
                @DefaultValue("5s") Duration connect,
                @DefaultValue("30s") Duration read,
                @DefaultValue("30s") Duration write,
                @DefaultValue("30s") Duration call,
                @DefaultValue("5m") Duration complete) {
        }
    }

    /**
     * Artifact uploads: the part size of presigned multipart uploads (at least 5MB, S3's minimum), the largest
     * file a worker may store, how long presigned upload URLs stay valid, and how often abandoned uploads are
     * aborted; and how long the presigned download URL an image's redirect hands out stays valid.
     */
    public record Artifacts(
            @DefaultValue("16MB") DataSize partSize,
            @DefaultValue("64GB") DataSize maxSize,
            @DefaultValue("6h") Duration urlExpiry,
            @DefaultValue("1m") Duration sweepInterval,
            @DefaultValue("5m") Duration downloadUrlExpiry) {
    }

    /**
     * Provenance signing. The Ed25519 key is {@code privateKeyFile} (PKCS#8 PEM, e.g. from
     * {@code openssl genpkey -algorithm ed25519}) when set, else {@code <dataDir>/keys/provenance-ed25519.pem},
     * generated at first start. Replicas must share one key file. {@code farmId} names this farm in every
     * statement's {@code builder.id}.
     */
    public record Provenance(Path privateKeyFile, @DefaultValue("https://goldsmith.dev/farm") String farmId) {
    }

    /**
     * Abuse limits on request and log sizes, and per team: how many builds may be queued or running at once, and
     * how many new builds may be submitted within any minute (counted in the database, so across replicas).
     * {@code maxLogPerBuild} is a build's log budget (all attempts): lines beyond it are counted and dropped, with
     * one marker line, and the build goes on. {@code maxLogFollowers} caps the {@code logs?follow} streams one
     * replica serves at once; beyond it a follower gets 503 with {@code Retry-After}.
     */
    public record Limits(
            @DefaultValue("64KB") DataSize maxBodySize,
            @DefaultValue("4MB") DataSize maxWorkerBodySize,
            @DefaultValue("64") int maxAnswerKeys,
            @DefaultValue("1000") int maxLogLinesPerChunk,
            @DefaultValue("8KB") DataSize maxLogLineSize,
            @DefaultValue("20") int teamConcurrentBuilds,
            @DefaultValue("60") int teamSubmissionsPerMinute,
            @DefaultValue("64MB") DataSize maxLogPerBuild,
            @DefaultValue("256") int maxLogFollowers) {
    }

    /**
     * Download links in registry answers: tools that cannot send a bearer token (a libvirt volume's
     * {@code source}) fetch an image file through a URL that carries an HMAC of the file's name.
     * {@code linkKeyFile} holds the HMAC key (32 random bytes, base64) when set, else
     * {@code <dataDir>/keys/download-links.key}, generated at first start. Replicas must share it; replacing it
     * invalidates every link handed out before. {@code policyKeyFile} holds the AES key (32 random bytes, base64)
     * that seals the secret answers channel policies keep, else {@code <dataDir>/keys/policy-secrets.key},
     * generated at first start; replicas must share it, and replacing it loses every policy's secrets.
     */
    public record Registry(Path linkKeyFile, Path policyKeyFile) {
    }

    /**
     * The golden loop's media refreshes. {@code schedule} is a Spring cron expression (six fields, e.g.
     * {@code 0 0 4 * * *}) at which every reference medium is refreshed; blank (the default) is off.
     * {@code pollInterval} is how often each replica looks for refreshes whose medium job ended;
     * {@code registrationLease}, how long a replica may take to register a new medium before another may take
     * over; {@code defaultWait} and {@code maxWait} bound how long {@code POST .../refresh} waits for the outcome;
     * {@code scheduleCheckInterval}, how often schedules (this one, and channel policies') are looked at, and
     * refreshes no policy acted on yet are reconciled.
     */
    public record Refresh(
            String schedule,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("10s") Duration scheduleCheckInterval,
            @DefaultValue("15m") Duration registrationLease,
            @DefaultValue("20s") Duration defaultWait,
            @DefaultValue("2m") Duration maxWait) {
    }
}
