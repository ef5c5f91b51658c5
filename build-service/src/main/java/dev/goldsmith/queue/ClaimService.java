package dev.goldsmith.queue;

import dev.goldsmith.GoldsmithProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands queued builds to workers. A claim is one statement: pick the best matching row with
 * {@code FOR UPDATE SKIP LOCKED} and lease it, so concurrent claimers on any number of replicas never get
 * the same build. Claimers with nothing to take wait for a NOTIFY or the next poll.
 */
@Service
public class ClaimService {

    static final String CLAIM = """
            with candidate as (
                select b.id from builds b
                where b.status = 'QUEUED'
                  and b.arch = :arch
                  and (b.accel = 'any' or b.accel = :accel)
                  and b.worker_labels <@ cast(:labels as jsonb)
                order by b.priority desc, b.created_at, b.id
                limit 1
                for update skip locked
            )
            update builds b
               set status = 'RUNNING',
                   attempt = b.attempt + 1,
                   worker_id = :worker,
                   lease_id = :lease,
                   lease_expires_at = now() + make_interval(secs => :ttl),
                   started_at = coalesce(b.started_at, now())
              from candidate c
             where b.id = c.id
            returning b.id, b.attempt, b.lease_id, b.lease_expires_at, b.created_at
            """;

    private final JdbcClient jdbc;
    private final QueueSignals signals;
    private final JsonMapper json;
    private final GoldsmithProperties properties;
    private final Timer waitToClaim;

    public ClaimService(JdbcClient jdbc, QueueSignals signals, JsonMapper json, GoldsmithProperties properties,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.signals = signals;
        this.json = json;
        this.properties = properties;
        this.waitToClaim = Timer.builder("goldsmith.queue.wait")
                .description("Time from submission until a worker claimed the build")
                .publishPercentileHistogram()
                .register(meters);
    }

    /** Claims a build for the worker, waiting up to {@code wait} (capped by the configured claim wait). */
    public Optional<Claim> claim(WorkerCapabilities worker, Duration wait) throws InterruptedException {
        Duration cap = properties.queue().claimWait();
        Duration bounded = wait == null || wait.compareTo(cap) > 0 ? cap : wait;
        long deadline = System.nanoTime() + bounded.toNanos();
        while (true) {
            long seen = signals.version();
            Optional<Claim> claim = claimOnce(worker);
            if (claim.isPresent() || signals.isClosed()) {
                return claim;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Optional.empty();
            }
            Duration nap = Duration.ofNanos(Math.min(remaining, properties.queue().pollInterval().toNanos()));
            if (!signals.await(seen, nap)) {
                return Optional.empty();
            }
        }
    }

    public Optional<Claim> claimOnce(WorkerCapabilities worker) {
        UUID lease = UUID.randomUUID();
        return jdbc.sql(CLAIM)
                .param("arch", worker.arch())
                .param("accel", worker.accel())
                .param("labels", json.writeValueAsString(worker.labels()))
                .param("worker", worker.workerId())
                .param("lease", lease)
                .param("ttl", (double) properties.leaseTtl().toMillis() / 1000.0)
                .query((rs, row) -> {
                    Instant created = rs.getTimestamp("created_at").toInstant();
                    waitToClaim.record(Duration.between(created, Instant.now()));
                    return new Claim(rs.getObject("id", UUID.class), rs.getInt("attempt"),
                            rs.getObject("lease_id", UUID.class), rs.getTimestamp("lease_expires_at").toInstant());
                })
                .optional();
    }
}
