package dev.goldsmith.queue;

import dev.goldsmith.GoldsmithProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gauges of what the queue and the farm look like now: builds per status ({@code goldsmith_builds{status}}, so
 * queue depth is {@code status="QUEUED"}) and workers online per accelerator
 * ({@code goldsmith_workers_online{accel}}). Refreshed from the database on a schedule, so every replica
 * reports the same shared truth and a scrape never waits on a query.
 */
@Component
class QueueMetrics {

    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);
    private static final List<String> STATUSES = List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED");
    private static final List<String> ACCELS = List.of("kvm", "tcg");

    private final JdbcClient jdbc;
    private final GoldsmithProperties properties;
    private final Map<String, AtomicLong> builds = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> workers = new ConcurrentHashMap<>();

    QueueMetrics(JdbcClient jdbc, GoldsmithProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.properties = properties;
        for (String status : STATUSES) {
            AtomicLong value = builds.computeIfAbsent(status, s -> new AtomicLong());
            Gauge.builder("goldsmith.builds", value, AtomicLong::get).tag("status", status)
                    .description("Builds in each status").register(meters);
        }
        for (String accel : ACCELS) {
            AtomicLong value = workers.computeIfAbsent(accel, a -> new AtomicLong());
            Gauge.builder("goldsmith.workers.online", value, AtomicLong::get).tag("accel", accel)
                    .description("Workers heard from recently, by the accelerator they run").register(meters);
        }
    }

    @Scheduled(fixedDelayString = "${goldsmith.metrics.refresh-interval:10s}", initialDelayString = "1s")
    void refresh() {
        try {
            builds.values().forEach(v -> v.set(0));
            jdbc.sql("select status, count(*) from builds group by status")
                    .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list()
                    .forEach(e -> builds.computeIfAbsent(e.getKey(), s -> new AtomicLong()).set(e.getValue()));
            workers.values().forEach(v -> v.set(0));
            jdbc.sql("select accel, count(*) from workers where last_seen_at > now() - make_interval(secs => ?) "
                            + "group by accel")
                    .param(properties.workers().offlineAfter().toSeconds())
                    .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list()
                    .forEach(e -> workers.computeIfAbsent(e.getKey(), a -> new AtomicLong()).set(e.getValue()));
        } catch (RuntimeException e) {
            log.debug("metrics refresh skipped, the next one catches up: {}", e.getMessage());
        }
    }
}
