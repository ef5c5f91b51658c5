package dev.goldsmith.queue;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.HeartbeatReply;
import dev.goldsmith.database.UuidArrays;
import dev.goldsmith.problems.ApiException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Lease ownership: a worker acts only on a live lease of its own. Another worker's lease is 403; a lease that
 * expired, was swept or ended is 409 (the worker must stop and drop the build).
 */
@Component
public class Leases {

    private final JdbcClient jdbc;
    private final GoldsmithProperties properties;

    public Leases(JdbcClient jdbc, GoldsmithProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    private static final String LEASE_ROWS = """
            select b.lease_id, b.id, b.attempt, b.worker_id, b.cancel_requested,
                   b.status = 'RUNNING' and b.lease_expires_at > now() as live,
                   array(select s.value from build_secrets s where s.build_id = b.id) as secrets
              from builds b
            """;

    /** The caller's live lease, read together with its build's secrets in one statement. */
    public LeaseContext require(UUID leaseId, UUID callerWorker) {
        LeaseRow row = jdbc.sql(LEASE_ROWS + " where b.lease_id = ?")
                .param(leaseId)
                .query(Leases::leaseRow)
                .optional()
                .orElse(null);
        return check(row, leaseId, callerWorker);
    }

    /**
     * Locks the leases until the caller's transaction ends and checks each as {@link #require} does, in one
     * statement; a lease that fails its check gets the exception {@code require} would throw. Rows are locked in
     * build order, so two callers locking overlapping leases wait for each other instead of deadlocking.
     */
    public List<Checked> lockAll(List<UUID> leaseIds, List<UUID> callerWorkers) {
        Map<UUID, LeaseRow> rows = new HashMap<>();
        jdbc.sql(LEASE_ROWS + " where b.lease_id = any(cast(? as uuid[])) order by b.id for update of b")
                .param(UuidArrays.literal(leaseIds))
                .query(Leases::leaseRow)
                .list()
                .forEach(row -> rows.put(row.leaseId(), row));
        List<Checked> checked = new ArrayList<>(leaseIds.size());
        for (int i = 0; i < leaseIds.size(); i++) {
            try {
                checked.add(new Checked(check(rows.get(leaseIds.get(i)), leaseIds.get(i), callerWorkers.get(i)), null));
            } catch (ApiException rejected) {
                checked.add(new Checked(null, rejected));
            }
        }
        return checked;
    }

    /**
     * Locks the caller's lease until the caller's transaction ends and checks it as {@link #require} does: while
     * the lock is held, the lease cannot expire into another attempt (the sweep and the next claim wait for it).
     */
    public LeaseContext lockLive(UUID leaseId, UUID callerWorker) {
        Checked checked = lockAll(List.of(leaseId), List.of(callerWorker)).getFirst();
        if (checked.rejected() != null) {
            throw checked.rejected();
        }
        return checked.lease();
    }

    /** A lease that passed its check, or why it did not. */
    public record Checked(LeaseContext lease, ApiException rejected) {
    }

    private static LeaseContext check(LeaseRow row, UUID leaseId, UUID callerWorker) {
        if (row == null) {
            throw ApiException.leaseLost("Lease " + leaseId + " is unknown, expired or ended.");
        }
        if (callerWorker == null || !callerWorker.equals(row.workerId())) {
            throw ApiException.forbidden("Lease " + leaseId + " belongs to another worker.");
        }
        if (!row.live()) {
            throw ApiException.leaseLost("Lease " + leaseId + " has expired.");
        }
        return new LeaseContext(leaseId, row.buildId(), row.attempt(), callerWorker, row.cancelRequested(),
                row.secrets());
    }

    private static LeaseRow leaseRow(ResultSet rs, int row) throws SQLException {
        return new LeaseRow(rs.getObject("lease_id", UUID.class), rs.getObject("id", UUID.class),
                rs.getInt("attempt"), rs.getObject("worker_id", UUID.class), rs.getBoolean("cancel_requested"),
                rs.getBoolean("live"), List.of((String[]) rs.getArray("secrets").getArray()));
    }

    private record LeaseRow(UUID leaseId, UUID buildId, int attempt, UUID workerId, boolean cancelRequested,
            boolean live, List<String> secrets) {
    }

    /** Extends the lease by the lease TTL and tells the worker whether to cancel. */
    public HeartbeatReply heartbeat(UUID leaseId, UUID callerWorker) {
        require(leaseId, callerWorker);
        HeartbeatReply reply = jdbc.sql("""
                        update builds set lease_expires_at = now() + make_interval(secs => :ttl)
                         where lease_id = :lease and worker_id = :worker and status = 'RUNNING'
                           and lease_expires_at > now()
                        returning lease_expires_at, cancel_requested
                        """)
                .param("ttl", properties.leaseTtl().toMillis() / 1000.0)
                .param("lease", leaseId)
                .param("worker", callerWorker)
                .query((rs, n) -> new HeartbeatReply(rs.getTimestamp(1).toInstant(), rs.getBoolean(2)))
                .optional()
                .orElseThrow(() -> ApiException.leaseLost("Lease " + leaseId + " expired before this heartbeat."));
        jdbc.sql("update workers set last_seen_at = now() where id = ?").param(callerWorker).update();
        return reply;
    }

}
