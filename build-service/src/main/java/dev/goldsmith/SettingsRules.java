package dev.goldsmith;

import dev.goldsmith.net.AddressRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * The settings that depend on each other, and what each pair needs to work. A farm that starts with a lease
 * shorter than a few heartbeats loses every lease of every healthy worker: such settings are refused at start.
 */
final class SettingsRules {

    /** A lease must survive this many heartbeats lost in a row. */
    static final int HEARTBEATS_PER_LEASE = 3;
    private static final DataSize MIN_PART = DataSize.ofMegabytes(5);
    private static final DataSize MAX_PART = DataSize.ofGigabytes(5);
    private static final int MAX_PARTS = 10_000;
    /** S3's longest presigned URL (SigV4): seven days. */
    private static final Duration MAX_PRESIGNED = Duration.ofDays(7);

    private SettingsRules() {
    }

    static List<String> violations(Duration leaseTtl, int maxAttempts, GoldsmithProperties.Queue queue,
            GoldsmithProperties.Workers workers, GoldsmithProperties.Builds builds, GoldsmithProperties.Limits limits,
            GoldsmithProperties.Artifacts artifacts, List<String> trustedProxies) {
        List<String> problems = new ArrayList<>();
        Duration heartbeat = workers.heartbeatInterval();
        if (!positive(heartbeat) || !positive(leaseTtl)) {
            problems.add("goldsmith.lease-ttl and goldsmith.workers.heartbeat-interval must be positive");
        } else if (leaseTtl.compareTo(heartbeat.multipliedBy(HEARTBEATS_PER_LEASE)) < 0) {
            problems.add("goldsmith.lease-ttl (" + leaseTtl + ") must be at least " + HEARTBEATS_PER_LEASE
                    + " x goldsmith.workers.heartbeat-interval (" + heartbeat + ") = "
                    + heartbeat.multipliedBy(HEARTBEATS_PER_LEASE) + ", so a lease outlives two lost heartbeats; "
                    + "otherwise every healthy worker loses its lease mid-build");
        }
        if (maxAttempts < 1) {
            problems.add("goldsmith.max-attempts (" + maxAttempts + ") must be at least 1");
        }
        Duration seenEvery = longer(heartbeat, queue.claimWait());
        if (seenEvery != null && workers.offlineAfter().compareTo(seenEvery) <= 0) {
            problems.add("goldsmith.workers.offline-after (" + workers.offlineAfter() + ") must be longer than "
                    + "goldsmith.workers.heartbeat-interval and goldsmith.queue.claim-wait (" + seenEvery + "): a "
                    + "live worker is heard from that often, and would be counted offline between two calls");
        }
        if (!positive(queue.pollInterval()) || !positive(queue.sweepInterval())) {
            problems.add("goldsmith.queue.poll-interval and goldsmith.queue.sweep-interval must be positive");
        } else if (positive(leaseTtl) && queue.sweepInterval().compareTo(leaseTtl) > 0) {
            problems.add("goldsmith.queue.sweep-interval (" + queue.sweepInterval() + ") must not exceed "
                    + "goldsmith.lease-ttl (" + leaseTtl + "): an expired lease would wait longer than its life to "
                    + "be requeued");
        }
        if (!positive(builds.minTimeout()) || builds.minTimeout().compareTo(builds.defaultTimeout()) > 0
                || builds.defaultTimeout().compareTo(builds.maxTimeout()) > 0) {
            problems.add("goldsmith.builds.min-timeout (" + builds.minTimeout() + ") <= default-timeout ("
                    + builds.defaultTimeout() + ") <= max-timeout (" + builds.maxTimeout() + ") must hold");
        }
        long part = artifacts.partSize().toBytes();
        if (part < MIN_PART.toBytes() || part > MAX_PART.toBytes()) {
            problems.add("goldsmith.artifacts.part-size (" + size(artifacts.partSize())
                    + ") must be between 5MB and 5GB (S3's limits)");
        }
        if (artifacts.maxSize().toBytes() <= 0 || artifacts.maxSize().toBytes() > MAX_PART.toBytes() * MAX_PARTS) {
            problems.add("goldsmith.artifacts.max-size (" + size(artifacts.maxSize())
                    + ") must be positive and at most 10,000 parts of 5GB (S3's largest object)");
        }
        for (var expiry : List.of(artifacts.urlExpiry(), artifacts.downloadUrlExpiry())) {
            if (expiry.compareTo(Duration.ofMinutes(1)) < 0 || expiry.compareTo(MAX_PRESIGNED) > 0) {
                problems.add("goldsmith.artifacts.url-expiry and download-url-expiry (" + expiry + ") must be "
                        + "between 1 minute and 7 days (S3's presigned URL limit)");
            }
        }
        if (limits.maxLogLineSize().toBytes() > limits.maxWorkerBodySize().toBytes()) {
            problems.add("goldsmith.limits.max-log-line-size (" + size(limits.maxLogLineSize()) + ") must not exceed "
                    + "goldsmith.limits.max-worker-body-size (" + size(limits.maxWorkerBodySize()) + ")");
        }
        if (limits.maxLogPerBuild().toBytes() < limits.maxLogLineSize().toBytes()) {
            problems.add("goldsmith.limits.max-log-per-build (" + size(limits.maxLogPerBuild())
                    + ") must hold at least one line of goldsmith.limits.max-log-line-size ("
                    + size(limits.maxLogLineSize()) + ")");
        }
        if (limits.maxLogFollowers() < 1) {
            problems.add("goldsmith.limits.max-log-followers must be at least 1");
        }
        for (String proxy : trustedProxies) {
            try {
                AddressRange.parse(proxy);
            } catch (IllegalArgumentException e) {
                problems.add("goldsmith.trusted-proxies: " + e.getMessage());
            }
        }
        return problems;
    }

    /** A size as it would be written in the settings: 16MB, not 16777216B. */
    static String size(DataSize size) {
        long bytes = size.toBytes();
        String[] units = {"TB", "GB", "MB", "KB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - i));
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return bytes + "B";
    }

    /** The deadlines of calls to PostgreSQL and to the object store. */
    static List<String> violations(GoldsmithProperties.Db db, GoldsmithProperties.S3 s3) {
        List<String> problems = new ArrayList<>();
        for (var deadline : List.of(db.connectTimeout(), db.poolTimeout(), db.socketTimeout(), db.statementTimeout(),
                db.batchTimeout(), db.migrationTimeout(), s3.timeouts().connect(), s3.timeouts().read(),
                s3.timeouts().write(), s3.timeouts().call(), s3.timeouts().complete())) {
            if (!positive(deadline)) {
                problems.add("every goldsmith.db.*-timeout and goldsmith.s3.timeouts.* must be positive");
                return problems;
            }
        }
        if (db.statementTimeout().compareTo(db.batchTimeout()) > 0) {
            problems.add("goldsmith.db.statement-timeout (" + db.statementTimeout() + ") must not exceed "
                    + "goldsmith.db.batch-timeout (" + db.batchTimeout() + ")");
        }
        if (db.batchTimeout().compareTo(db.socketTimeout()) >= 0) {
            problems.add("goldsmith.db.socket-timeout (" + db.socketTimeout() + ") must be longer than "
                    + "goldsmith.db.batch-timeout (" + db.batchTimeout() + "): the socket would give up on a "
                    + "statement PostgreSQL is still allowed to run");
        }
        if (db.poolSize() < 2) {
            problems.add("goldsmith.db.pool-size (" + db.poolSize() + ") must be at least 2: one connection "
                    + "listens for the queue's notifications");
        }
        return problems;
    }

    /** The golden loop's refreshes: a schedule that parses, positive intervals, a wait that fits the longest. */
    static List<String> violations(GoldsmithProperties.Refresh refresh) {
        List<String> problems = new ArrayList<>();
        if (refresh.schedule() != null && !refresh.schedule().isBlank()) {
            try {
                org.springframework.scheduling.support.CronExpression.parse(refresh.schedule());
            } catch (IllegalArgumentException e) {
                problems.add("goldsmith.refresh.schedule (" + refresh.schedule() + ") must be a cron expression of six "
                        + "fields (second minute hour day-of-month month day-of-week), such as 0 0 4 * * *: "
                        + e.getMessage());
            }
        }
        for (Duration interval : List.of(refresh.pollInterval(), refresh.scheduleCheckInterval(),
                refresh.registrationLease(), refresh.maxWait())) {
            if (!positive(interval)) {
                problems.add("goldsmith.refresh.poll-interval, schedule-check-interval, registration-lease and "
                        + "max-wait must be positive");
                return problems;
            }
        }
        if (refresh.defaultWait() == null || refresh.defaultWait().isNegative()
                || refresh.defaultWait().compareTo(refresh.maxWait()) > 0) {
            problems.add("goldsmith.refresh.default-wait (" + refresh.defaultWait() + ") must be between 0 and "
                    + "goldsmith.refresh.max-wait (" + refresh.maxWait() + ")");
        }
        return problems;
    }

    private static boolean positive(Duration duration) {
        return duration != null && duration.isPositive();
    }

    private static Duration longer(Duration a, Duration b) {
        if (a == null || b == null) {
            return null;
        }
        return a.compareTo(b) >= 0 ? a : b;
    }
}
