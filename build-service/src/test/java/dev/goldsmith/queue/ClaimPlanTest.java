package dev.goldsmith.queue;

import static dev.goldsmith.support.QueuedBuilds.aQueuedBuild;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.ServiceTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The claim must walk the queue index in order and stop at the first build that fits, however many builds are
 * queued and whatever the statistics say. A plan that sorts the queue instead makes every claim cost the whole
 * queue: with a few thousand builds queued that was most of PostgreSQL's CPU under load.
 */
class ClaimPlanTest extends ServiceTest {

    @Autowired
    DataSource dataSource;

    @Test
    void claimWalksTheQueueIndexInOrderWithAFullQueueAnalyzed() throws Exception {
        UUID worker = fillTheQueueBehindEndedBuilds();
        jdbc.sql("analyze builds").update();

        assertClaimWalksTheQueueIndex(worker);
    }

    /** Autovacuum analyzes a table about once a minute at most; claims go on before it catches up. */
    @Test
    void claimWalksTheQueueIndexInOrderBeforeTheTableIsAnalyzed() throws Exception {
        UUID worker = fillTheQueueBehindEndedBuilds();
        jdbc.sql("delete from pg_statistic where starelid = 'builds'::regclass").update();
        jdbc.sql("update pg_class set reltuples = -1 where oid = 'builds'::regclass").update();

        assertClaimWalksTheQueueIndex(worker);
    }

    private UUID fillTheQueueBehindEndedBuilds() {
        emptyQueue();
        UUID worker = aWorker("tcg").id();
        aQueuedBuild().forTeam("plan-history").times(4_000).insert(jdbc);
        jdbc.sql("update builds set status = 'FAILED', finished_at = now() where team = 'plan-history'").update();
        aQueuedBuild().forTeam("plan").times(2_000).insert(jdbc);
        return worker;
    }

    private void assertClaimWalksTheQueueIndex(UUID worker) throws Exception {
        for (String mode : List.of("force_generic_plan", "force_custom_plan")) {
            for (int claims : List.of(1, 32)) {
                List<String> plan = claimPlan(mode, worker, claims);

                assertThat(plan).as(mode + ", " + claims + " claims:\n" + String.join("\n", plan))
                        .anyMatch(line -> line.contains("Index Scan using builds_queue"))
                        .noneMatch(line -> line.contains("Sort Key: b.priority"));
            }
        }
    }

    /** The plan of one claim statement for the worker's {@code claims} free slots (a batch of completions). */
    private List<String> claimPlan(String mode, UUID worker, int claims) throws Exception {
        String workers = String.join(",", Collections.nCopies(claims, worker.toString()));
        String leases = String.join(",", Stream.generate(() -> UUID.randomUUID().toString()).limit(claims).toList());
        String statement = ClaimService.CLAIM.replace(":workers", "$1").replace(":leases", "$2")
                .replace(":ttl", "$3");
        List<String> plan = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("set plan_cache_mode = " + mode);
            sql.execute("prepare claim_plan(text, text, float8) as " + statement);
            try (ResultSet rows = sql.executeQuery("explain execute claim_plan('{" + workers
                    + "}', '{" + leases + "}', 60)")) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            } finally {
                sql.execute("deallocate claim_plan");
                sql.execute("reset plan_cache_mode");
            }
        }
        return plan;
    }
}
