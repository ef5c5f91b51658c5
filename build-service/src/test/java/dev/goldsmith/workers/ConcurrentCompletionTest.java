package dev.goldsmith.workers;

import static dev.goldsmith.support.Completions.aFailure;
import static dev.goldsmith.support.QueuedBuilds.aQueuedBuild;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Many workers completing at once, which the control plane writes in batches. */
class ConcurrentCompletionTest extends ServiceTest {

    private static final int BUILDS = 1_000;
    private static final int WORKERS = 16;

    @Test
    void workersCompletingAtOnceEachTakeTheirOwnNextBuildUntilTheQueueIsEmpty() throws Exception {
        emptyQueue();
        Set<UUID> queued = new HashSet<>(aQueuedBuild().forTeam("completing").times(BUILDS).insert(jdbc));
        List<UUID> handed = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                Worker worker = aWorker("tcg");
                running.add(pool.submit(() -> workUntilTheQueueIsEmpty(worker, handed)));
            }
            for (Future<?> f : running) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(handed).doesNotHaveDuplicates();
        assertThat(new HashSet<>(handed)).isEqualTo(queued);
        assertThat(jdbc.sql("select count(*) from builds where team = 'completing' and status = 'FAILED'"
                + " and lease_id is null and attempt = 1").query(Integer.class).single()).isEqualTo(BUILDS);
    }

    private static Void workUntilTheQueueIsEmpty(Worker worker, List<UUID> handed) {
        Api.Response claim = worker.claimResponse("PT0S");
        while (claim.status() == 200) {
            Lease lease = claim.as(Lease.class);
            while (lease != null) {
                handed.add(lease.build().buildId());
                Api.Response done = worker.completeAndClaimNext(lease.leaseId(), aFailure("TEST_FAILED", false),
                        "PT0S");
                assertThat(done.status()).as(done.toString()).isEqualTo(200);
                assertThat(done.json().get("status").asString()).isEqualTo("FAILED");
                JsonNode next = done.json().get("next");
                lease = next == null || next.isNull() ? null : Api.JSON.treeToValue(next, Lease.class);
            }
            claim = worker.claimResponse("PT0S");
        }
        assertThat(claim.status()).as(claim.toString()).isEqualTo(204);
        return null;
    }

    @Test
    void theSameLeaseCompletedManyTimesAtOnceEndsOnceAndTheOthersAreToldItEnded() throws Exception {
        emptyQueue();
        UUID build = aQueuedBuild().insert(jdbc).getFirst();
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        int attempts = 12;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        List<Integer> answers;
        try {
            List<Future<Integer>> running = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                running.add(pool.submit(() -> {
                    start.await();
                    return worker.complete(lease.leaseId(), aFailure("TEST_FAILED", false)).status();
                }));
            }
            start.countDown();
            answers = new ArrayList<>();
            for (Future<Integer> f : running) {
                answers.add(f.get(1, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(answers).filteredOn(s -> s == 200).hasSize(1);
        assertThat(answers).filteredOn(s -> s != 200).containsOnly(409).hasSize(attempts - 1);
        assertThat(status(build)).isEqualTo("FAILED");
    }
}
