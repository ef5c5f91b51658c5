package dev.goldsmith.queue;

import dev.goldsmith.database.BatchDeadline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ends leases whose worker went quiet: the build goes back to the queue for another attempt, fails as
 * {@code WORKER_LOST} once attempts run out, or ends CANCELLED if cancellation was asked meanwhile. Safe on
 * every replica at once: each row changes in one atomic UPDATE.
 */
@Component
public class LeaseSweeper {

    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);

    static final String SWEEP = """
            update builds set
                status = case when cancel_requested then 'CANCELLED'
                              when attempt >= max_attempts then 'FAILED'
                              else 'QUEUED' end,
                failure_code = case when cancel_requested then null else 'WORKER_LOST' end,
                failure_reason = case when cancel_requested then null
                                      else 'lease expired on attempt ' || attempt || ': the worker stopped heartbeating' end,
                failure_stage = null,
                failure_retryable = case when cancel_requested then null else attempt < max_attempts end,
                finished_at = case when cancel_requested or attempt >= max_attempts then now() end,
                lease_id = null,
                lease_expires_at = null
            where status = 'RUNNING' and lease_expires_at < now()
            returning id, attempt, status
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final QueueNotifier notifier;
    private final Counter expiries;
    private final BatchDeadline batchDeadline;

    public LeaseSweeper(JdbcClient jdbc, TransactionTemplate transactions, QueueNotifier notifier,
            MeterRegistry meters, BatchDeadline batchDeadline) {
        this.batchDeadline = batchDeadline;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.notifier = notifier;
        this.expiries = Counter.builder("goldsmith.leases.expired")
                .description("Leases that expired because their worker stopped heartbeating")
                .register(meters);
    }

    private record Swept(UUID id, int attempt, String status) {
    }

    @Scheduled(fixedDelayString = "${goldsmith.queue.sweep-interval:5s}")
    public void sweepOnSchedule() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("Lease sweep failed: {}", e.getMessage());
        }
    }

    /** Returns how many leases it ended. */
    public int sweep() {
        List<Swept> swept = transactions.execute(status -> {
            batchDeadline.apply();
            List<Swept> rows = jdbc.sql(SWEEP)
                    .query((rs, n) -> new Swept(rs.getObject(1, UUID.class), rs.getInt(2), rs.getString(3)))
                    .list();
            for (Swept row : rows) {
                jdbc.sql("""
                                update build_stages set status = 'FAILED', finished_at = now(),
                                       detail = 'lease expired' where build_id = ? and attempt = ? and status = 'RUNNING'
                                """)
                        .params(row.id(), row.attempt())
                        .update();
                if (!row.status().equals("QUEUED")) {
                    jdbc.sql("delete from build_secrets where build_id = ?").param(row.id()).update();
                }
            }
            if (rows.stream().anyMatch(row -> row.status().equals("QUEUED"))) {
                notifier.buildQueued();
            }
            return rows;
        });
        for (Swept row : swept) {
            log.info("Lease of build {} attempt {} expired: now {}", row.id(), row.attempt(), row.status());
        }
        expiries.increment(swept.size());
        return swept.size();
    }
}
