package dev.goldsmith.queue;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.database.UuidArrays;
import dev.goldsmith.problems.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     * Reads what the first of the given workers offers, marks them all seen (at most once a second, so polling an
     * empty queue writes nothing; a worker row another transaction is marking is skipped, so two batches that
     * share workers cannot deadlock on them), and leases the best builds that fit, one per entry of {@code :workers} (a
     * worker may appear more than once), all in one statement; the workers must offer the same. No row means no
     * such worker; a row without a build means nothing fits now. The fit is a per-row subquery, not a join:
     * PostgreSQL guesses that jsonb containment rejects 99.9 % of rows, and with stale statistics that made it
     * read and sort the whole queue instead of walking {@code builds_queue} in order to the first fits
     * ({@code ClaimPlanTest}). For the same reason the limit is a subquery, which the planner cannot read: told
     * that 32 builds are wanted from a queue its stale statistics put at 5, it would sort them all. Which of the
     * claimed builds goes to which entry does not matter: all are leased.
     */
    static final String CLAIM = """
            with worker as (
                select id, arch, accel, labels from workers where id = (cast(:workers as uuid[]))[1]
            ),
            seen as (
                update workers w set last_seen_at = now()
                 where w.id in (select id from workers
                                 where id = any(cast(:workers as uuid[]))
                                   and last_seen_at < now() - interval '1 second'
                                 for no key update skip locked)
            ),
            candidate as (
                select b.id from builds b
                where b.status = 'QUEUED'
                  and (select b.arch = w.arch and (b.accel = 'any' or b.accel = w.accel)
                              and b.worker_labels <@ w.labels
                         from worker w)
                order by b.priority desc, b.created_at, b.id
                limit (select cardinality(cast(:workers as uuid[])))
                for update of b skip locked
            ),
            assigned as (
                select c.id, a.worker, a.lease
                  from (select id, row_number() over () as n from candidate) c
                  join unnest(cast(:workers as uuid[]), cast(:leases as uuid[])) with ordinality as a(worker, lease, n)
                    on a.n = c.n
            ),
            leased as (
                update builds b
                   set status = 'RUNNING',
                       attempt = b.attempt + 1,
                       worker_id = a.worker,
                       lease_id = a.lease,
                       lease_expires_at = now() + make_interval(secs => :ttl),
                       started_at = coalesce(b.started_at, now())
                  from assigned a
                 where b.id = a.id
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
        return claimAlike(List.of(workerId)).getFirst();
    }

    /**
     * Claims a build for each entry (a worker with two free slots appears twice) if enough are queued now, in
     * the caller's transaction: one statement for each group of workers that offer the same. Unknown workers get
     * nothing.
     */
    public List<Optional<Claim>> claimEach(List<UUID> workerIds) {
        Map<String, List<Integer>> alike = new LinkedHashMap<>();
        Map<UUID, String> offers = new HashMap<>();
        jdbc.sql("select id, arch || ' ' || accel || ' ' || labels::text as offer from workers"
                        + " where id = any(cast(? as uuid[]))")
                .param(UuidArrays.literal(workerIds))
                .query((rs, n) -> offers.put(rs.getObject("id", UUID.class), rs.getString("offer")))
                .list();
        for (int i = 0; i < workerIds.size(); i++) {
            String offer = offers.get(workerIds.get(i));
            if (offer != null) {
                alike.computeIfAbsent(offer, o -> new ArrayList<>()).add(i);
            }
        }
        List<Optional<Claim>> claimed = new ArrayList<>(Collections.nCopies(workerIds.size(), Optional.empty()));
        for (List<Integer> group : alike.values()) {
            List<Optional<Claim>> groupClaims = claimAlike(group.stream().map(workerIds::get).toList());
            for (int i = 0; i < group.size(); i++) {
                claimed.set(group.get(i), groupClaims.get(i));
            }
        }
        return claimed;
    }

    /** One {@link #CLAIM} for workers that offer the same; the first must be registered (else 404). */
    private List<Optional<Claim>> claimAlike(List<UUID> workerIds) {
        List<UUID> leaseIds = workerIds.stream().map(w -> UUID.randomUUID()).toList();
        Map<UUID, Claim> byLease = new HashMap<>();
        List<Boolean> known = jdbc.sql(CLAIM)
                .param("workers", UuidArrays.literal(workerIds))
                .param("leases", UuidArrays.literal(leaseIds))
                .param("ttl", (double) properties.leaseTtl().toMillis() / 1000.0)
                .query((rs, row) -> {
                    UUID buildId = rs.getObject("id", UUID.class);
                    if (buildId != null) {
                        Instant created = rs.getTimestamp("created_at").toInstant();
                        waitToClaim.record(Duration.between(created, Instant.now()));
                        Claim claim = new Claim(buildId, rs.getInt("attempt"), rs.getObject("lease_id", UUID.class),
                                rs.getTimestamp("lease_expires_at").toInstant());
                        byLease.put(claim.leaseId(), claim);
                    }
                    return true;
                })
                .list();
        if (known.isEmpty()) {
            throw ApiException.notFound("No worker " + workerIds.getFirst() + ".");
        }
        return leaseIds.stream().map(lease -> Optional.ofNullable(byLease.get(lease))).toList();
    }
}
