package dev.goldsmith.queue;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.problems.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Hands queued builds to workers. A claim is one statement: pick the best matching row with
 * {@code FOR UPDATE SKIP LOCKED} and lease it, so concurrent claimers on any number of replicas never get
 * the same build. Claimers with nothing to take wait for a NOTIFY or the next poll.
 */
@Service
public class ClaimService {

    /**
     * Reads what the worker offers, marks it seen (at most once a second, so polling an empty queue writes
     * nothing), and leases the best build it fits, all in one statement. No row means no such worker; a row
     * without a build means nothing fits now. The fit is a per-row subquery, not a join: PostgreSQL guesses
     * that jsonb containment rejects 99.9 % of rows, and with stale statistics that made it read and sort the
     * whole queue instead of walking {@code builds_queue} in order to the first fit ({@code ClaimPlanTest}).
     */
    static final String CLAIM = """
            with worker as (
                select id, arch, accel, labels from workers where id = :worker
            ),
            seen as (
                update workers w set last_seen_at = now() from worker
                 where w.id = worker.id and w.last_seen_at < now() - interval '1 second'
            ),
            candidate as (
                select b.id from builds b
                where b.status = 'QUEUED'
                  and (select b.arch = w.arch and (b.accel = 'any' or b.accel = w.accel)
                              and b.worker_labels <@ w.labels
                         from worker w)
                order by b.priority desc, b.created_at, b.id
                limit 1
                for update of b skip locked
            ),
            leased as (
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
            )
            select l.* from worker left join leased l on true
            """;

    private final JdbcClient jdbc;
    private final QueueSignals signals;
    private final GoldsmithProperties properties;
    private final Timer waitToClaim;

    public ClaimService(JdbcClient jdbc, QueueSignals signals, GoldsmithProperties properties,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.signals = signals;
        this.properties = properties;
        this.waitToClaim = Timer.builder("goldsmith.queue.wait")
                .description("Time from submission until a worker claimed the build")
                .publishPercentileHistogram()
                .register(meters);
    }

    /**
     * Claims a build for the worker, waiting up to {@code wait} (capped by the configured claim wait); an unknown
     * worker is a 404.
     */
    public Optional<Claim> claim(UUID workerId, Duration wait) throws InterruptedException {
        Duration cap = properties.queue().claimWait();
        Duration bounded = wait == null || wait.compareTo(cap) > 0 ? cap : wait;
        long deadline = System.nanoTime() + bounded.toNanos();
        while (true) {
            long seen = signals.version();
            Optional<Claim> claim = claimNow(workerId);
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

    /** Claims a build for the worker if one is queued now, in the caller's transaction if there is one. */
    public Optional<Claim> claimNow(UUID workerId) {
        return jdbc.sql(CLAIM)
                .param("worker", workerId)
                .param("lease", UUID.randomUUID())
                .param("ttl", (double) properties.leaseTtl().toMillis() / 1000.0)
                .query((rs, row) -> {
                    UUID buildId = rs.getObject("id", UUID.class);
                    if (buildId == null) {
                        return Optional.<Claim>empty();
                    }
                    Instant created = rs.getTimestamp("created_at").toInstant();
                    waitToClaim.record(Duration.between(created, Instant.now()));
                    return Optional.of(new Claim(buildId, rs.getInt("attempt"), rs.getObject("lease_id", UUID.class),
                            rs.getTimestamp("lease_expires_at").toInstant()));
                })
                .optional()
                .orElseThrow(() -> ApiException.notFound("No worker " + workerId + "."));
    }
}
