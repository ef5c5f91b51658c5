package dev.goldsmith.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.ArtifactUploadRequest;
import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.BuildRequest;
import dev.goldsmith.api.Lease;
import dev.goldsmith.api.TokenIssued;
import dev.goldsmith.api.UploadedPart;
import dev.goldsmith.api.WorkerRegistered;
import dev.goldsmith.api.WorkerRegistration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests against the whole service on real HTTP, with its embedded PostgreSQL in a fresh directory
 * (one per test JVM; Spring reuses the context across test classes).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServiceTest {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    static final Path DATA_DIR = tempDir();
    private static final AtomicInteger NAMES = new AtomicInteger();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    private javax.sql.DataSource dataSource;

    @DynamicPropertySource
    static void goldsmith(DynamicPropertyRegistry registry) {
        // A test class running a context of its own (beans of its own) names its own data directory here.
        registry.add("goldsmith.data-dir", () -> "${goldsmith.test.own-data-dir:" + DATA_DIR + "}");
        registry.add("goldsmith.admin-token", () -> ADMIN_TOKEN);
        registry.add("goldsmith.queue.claim-wait", () -> "5s");
        // S3's smallest part, so a test file spans two parts at a little over 5 MiB.
        registry.add("goldsmith.artifacts.part-size", () -> "5MB");
        // Tests share teams and submit in bursts; SubmissionLimitsTest runs an instance with small limits.
        registry.add("goldsmith.limits.team-concurrent-builds", () -> "100000");
        registry.add("goldsmith.limits.team-submissions-per-minute", () -> "100000");
        // Small enough that WorkerReportsTest reaches them with a few requests.
        registry.add("goldsmith.limits.max-log-per-build", () -> "256KB");
        registry.add("goldsmith.limits.max-log-followers", () -> "8");
        // Test clients stand in for a reverse proxy (RegistryTest); BaseUrlsTest covers untrusted peers.
        registry.add("goldsmith.trusted-proxies", () -> "127.0.0.1");
    }

    /** A data directory holding a stand-in {@code reference-tiny} medium. */
    private static Path tempDir() {
        try {
            return ReferenceMedia.inDataDir(Files.createTempDirectory("goldsmith-test-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The embedded object store's bucket as files: {@code bucket().resolve(objectKey)}. */
    protected Path bucket() {
        return dataDir().resolve("s3").resolve("goldsmith-images");
    }

    /** The service's data directory; a test class running its own context (its own beans) has its own. */
    protected Path dataDir() {
        return DATA_DIR;
    }

    /**
     * Settings for another replica of the service: this test's database, and the keys replicas share (the
     * fingerprint key, so both answer the same cache hits; the policy key, so both open policies' secrets).
     */
    protected String[] sameDatabase(String... more) {
        com.zaxxer.hikari.HikariDataSource hikari = (com.zaxxer.hikari.HikariDataSource) dataSource;
        return java.util.stream.Stream.concat(java.util.stream.Stream.of("goldsmith.db.url=" + hikari.getJdbcUrl(),
                "goldsmith.db.user=" + hikari.getUsername(), "goldsmith.db.password=" + hikari.getPassword(),
                "goldsmith.builds.fingerprint-key-file=" + dataDir().resolve("keys/fingerprint-hmac.key"),
                "goldsmith.registry.policy-key-file=" + dataDir().resolve("keys/policy-secrets.key")),
                java.util.Arrays.stream(more)).toArray(String[]::new);
    }

    /** A fresh data directory for a test class that runs a context of its own. */
    protected static Path aDataDir() {
        return tempDir();
    }

    protected Api admin() {
        return Api.at(port, ADMIN_TOKEN);
    }

    protected Api anonymous() {
        return Api.at(port, null);
    }

    protected Api as(String team, String... roles) {
        Api.Response issued = admin().post("/api/v1/tokens", Map.of("team", team, "roles", Arrays.asList(roles)));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        return Api.at(port, issued.as(TokenIssued.class).token());
    }

    protected Api builder(String team) {
        return as(team, "builder");
    }

    /** Ends every queued or running build left by earlier tests, so claims only see this test's builds. */
    protected void emptyQueue() {
        jdbc.sql("update builds set status = 'CANCELLED', finished_at = now(), lease_id = null, "
                + "lease_expires_at = null where status in ('QUEUED', 'RUNNING')").update();
    }

    protected Worker aWorker(String accel, String... labels) {
        Api api = as("ignored", "worker");
        WorkerRegistration registration = new WorkerRegistration("worker-" + NAMES.incrementAndGet(), "x86_64", accel,
                "QEMU 7.2.0", 1, List.of(labels));
        Api.Response registered = api.post("/api/v1/workers", registration);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(200);
        return new Worker(api, registered.as(WorkerRegistered.class).workerId());
    }

    protected UUID submit(Api api, BuildRequest request) {
        Api.Response response = api.post("/api/v1/builds", request);
        assertThat(response.status()).as(response.toString()).isIn(200, 202);
        return UUID.fromString(response.json().get("id").asString());
    }

    /**
     * Has {@code api}'s request built to success by a worker (tiny files for every format) and returns the image
     * version's name. Other queued builds are ended first, so the worker takes this one.
     */
    protected String anImage(Api api, BuildRequest request) {
        emptyQueue();
        UUID id = submit(api, request);
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        assertThat(lease.build().buildId()).isEqualTo(id);
        worker.uploadAndSucceed(lease);
        return lease.build().imageName();
    }

    protected String status(UUID build) {
        return admin().get("/api/v1/builds/" + build).json().get("status").asString();
    }

    /** A registered worker agent speaking the worker protocol. */
    public record Worker(Api api, UUID id) {

        public Api.Response claimResponse(String wait) {
            return api.post("/api/v1/workers/" + id + "/claim?wait=" + wait, null);
        }

        public Lease claim() {
            Api.Response response = claimResponse("PT2S");
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            return response.as(Lease.class);
        }

        public Api.Response heartbeat(UUID lease) {
            return api.post("/api/v1/leases/" + lease + "/heartbeat", null);
        }

        public Api.Response complete(UUID lease, Object body) {
            return api.post("/api/v1/leases/" + lease + "/complete", body);
        }

        public Api.Response completeAndClaimNext(UUID lease, Object body, String next) {
            return api.post("/api/v1/leases/" + lease + "/complete?next=" + next, body);
        }

        public Api.Response startUpload(UUID lease, ArtifactUploadRequest request) {
            return api.post("/api/v1/leases/" + lease + "/artifacts", request);
        }

        public Api.Response completeUpload(UUID lease, String format, ArtifactUploadComplete report) {
            return api.post("/api/v1/leases/" + lease + "/artifacts/" + format + "/complete", report);
        }

        /** Starts an upload of {@code content} as the build's file of this format and PUTs every part. */
        public StartedUpload startAndPut(Lease lease, String format, byte[] content) {
            String fileName = lease.build().imageName() + "." + format;
            Api.Response started = startUpload(lease.leaseId(), new ArtifactUploadRequest(format, fileName,
                    content.length));
            assertThat(started.status()).as(started.toString()).isEqualTo(200);
            ArtifactUpload upload = started.as(ArtifactUpload.class);
            return new StartedUpload(upload, PresignedUploads.put(upload, content));
        }

        /** Stores {@code content} as the build's file of this format, the way a worker's STORE stage does. */
        public ArtifactView upload(Lease lease, String format, byte[] content) {
            StartedUpload started = startAndPut(lease, format, content);
            Api.Response done = completeUpload(lease.leaseId(), format, new ArtifactUploadComplete(
                    started.upload().uploadId(), ImageFiles.sha256(content), content.length, started.parts()));
            assertThat(done.status()).as(done.toString()).isEqualTo(200);
            return done.as(ArtifactView.class);
        }

        /** Uploads a tiny file for every requested format, then reports success. */
        public Api.Response uploadAndSucceed(Lease lease) {
            for (String format : lease.build().formats()) {
                upload(lease, format, ImageFiles.aTinyImage(lease.build().imageName() + "." + format));
            }
            Api.Response done = complete(lease.leaseId(), Completions.aSuccess());
            assertThat(done.status()).as(done.toString()).isEqualTo(200);
            return done;
        }
    }

    /** An upload whose parts are in the store but not yet completed. */
    public record StartedUpload(ArtifactUpload upload, List<UploadedPart> parts) {
    }
}
