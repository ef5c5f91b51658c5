package dev.goldsmith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code goldsmith.*} setting of the control plane; each also reads from its environment form
 * ({@code GOLDSMITH_LEASE_TTL} for {@code goldsmith.lease-ttl}).
 */
@ConfigurationProperties("goldsmith")
public record GoldsmithProperties(
        Path dataDir,
        String adminToken,
        @DefaultValue Db db,
        @DefaultValue("2m") Duration leaseTtl,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue Queue queue,
        @DefaultValue Workers workers,
        @DefaultValue Builds builds,
        @DefaultValue Limits limits,
        @DefaultValue Security security) {

    /** External PostgreSQL; when {@code url} is blank the service runs its own under {@code dataDir}. */
    public record Db(String url, String user, String password, @DefaultValue("20") int poolSize) {
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

    /** Defaults and bounds applied to build requests. */
    public record Builds(
            @DefaultValue("reference-tiny") String defaultInstaller,
            @DefaultValue({"reference-tiny", "reference-debian-zfs"}) List<String> installers,
            @DefaultValue("2h") Duration defaultTimeout,
            @DefaultValue("5m") Duration minTimeout,
            @DefaultValue("24h") Duration maxTimeout) {
    }

    /** How long a resolved token is trusted without asking the database again. */
    public record Security(@DefaultValue("10s") Duration tokenCacheTtl) {
    }

    /** Abuse limits on request and log sizes. */
    public record Limits(
            @DefaultValue("64KB") DataSize maxBodySize,
            @DefaultValue("4MB") DataSize maxWorkerBodySize,
            @DefaultValue("64") int maxAnswerKeys,
            @DefaultValue("1000") int maxLogLinesPerChunk,
            @DefaultValue("8KB") DataSize maxLogLineSize) {
    }
}
