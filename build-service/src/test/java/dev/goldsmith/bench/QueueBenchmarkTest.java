package dev.goldsmith.bench;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.Completions.aSuccess;
import static dev.goldsmith.support.QueuedBuilds.aQueuedBuild;

import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 2's figures, on real HTTP over loopback against embedded PostgreSQL with fsync and synchronous_commit
 * on: dispatch latency with 50 idle long-polling workers, and claim+complete throughput with 32 workers.
 * Run with {@code mvn -Pbench verify -pl build-service -am}; it prints, it does not assert.
 */
@Tag("bench")
class QueueBenchmarkTest extends ServiceTest {

    private static final int IDLE_WORKERS = 50;
    private static final int DISPATCHES = 300;
    private static final int THROUGHPUT_WORKERS = 32;
    private static final int THROUGHPUT_BUILDS = 2_000;

    @Test
    void dispatchLatencyWithFiftyLongPollingWorkers() throws Exception {
        emptyQueue();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < IDLE_WORKERS; i++) {
            workers.add(aWorker("tcg"));
        }
        Map<UUID, Long> received = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(IDLE_WORKERS);
        for (Worker worker : workers) {
            pool.submit(() -> {
                while (running.get()) {
                    Api.Response response = worker.claimResponse("PT5S");
                    if (response.status() == 200) {
                        received.put(response.as(Lease.class).build().buildId(), System.nanoTime());
                    }
                }
                return null;
            });
        }
        Api team = builder("bench");
        warmUp(team);
        Map<UUID, Long> submitted = new ConcurrentHashMap<>();
        for (int i = 0; i < DISPATCHES; i++) {
            long start = System.nanoTime();
            UUID id = submit(team, aBuildRequest().build());
            submitted.put(id, start);
            TimeUnit.MILLISECONDS.sleep(20);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!received.keySet().containsAll(submitted.keySet()) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        running.set(false);
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);

        double[] millis = submitted.entrySet().stream().filter(e -> received.containsKey(e.getKey()))
                .mapToDouble(e -> (received.get(e.getKey()) - e.getValue()) / 1e6).sorted().toArray();
        System.out.printf("BENCH dispatch latency (POST /builds -> lease held by a long-polling worker), "
                        + "%d idle workers, %d builds: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d of %d dispatched)%n",
                IDLE_WORKERS, DISPATCHES, percentile(millis, 50), percentile(millis, 90), percentile(millis, 99),
                millis[millis.length - 1], millis.length, DISPATCHES);
    }

    @Test
    void claimAndCompleteThroughputWithThirtyTwoWorkers() throws Exception {
        emptyQueue();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < THROUGHPUT_WORKERS; i++) {
            workers.add(aWorker("tcg"));
        }
        // The queue, not the object store: each build's artifact is recorded as verified up front.
        aQueuedBuild().forTeam("bench").times(THROUGHPUT_BUILDS).withVerifiedArtifacts().insert(jdbc);
        AtomicLong done = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(workers.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers.size());
        long start = System.nanoTime();
        for (Worker worker : workers) {
            pool.submit(() -> {
                try {
                    while (true) {
                        Api.Response response = worker.claimResponse("PT0S");
                        if (response.status() != 200) {
                            return null;
                        }
                        Lease lease = response.as(Lease.class);
                        worker.complete(lease.leaseId(), aSuccess());
                        done.incrementAndGet();
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long succeeded = jdbc.sql("select count(*) from builds where team = 'bench' and status = 'SUCCEEDED'")
                .query(Long.class).single();
        System.out.printf("BENCH claim+complete throughput, %d workers over HTTP: %d builds in %.2f s = %.0f per second"
                        + " (%d succeeded)%n", THROUGHPUT_WORKERS, done.get(), seconds, done.get() / seconds, succeeded);
    }

    private void warmUp(Api team) {
        for (int i = 0; i < 20; i++) {
            submit(team, aBuildRequest().build());
        }
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

}
