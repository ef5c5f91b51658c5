package dev.goldsmith.bench;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's registry figures on real HTTP over loopback: what Terraform reads
 * ({@code GET /api/v1/registry/debian/server/production}, bearer token checked, channel and files read from
 * PostgreSQL, download links signed) under an open load of 500 requests/s, latency measured from each request's
 * scheduled start (so a stall is not hidden by the load generator waiting), then the most a closed loop of 16
 * clients gets. Prints, does not assert.
 */
@Tag("bench")
class RegistryBenchmarkTest extends ServiceTest {

    private static final int RATE = 500;
    private static final Duration OPEN_LOAD = Duration.ofSeconds(20);
    private static final int CLOSED_CLIENTS = 16;
    private static final Duration CLOSED_LOAD = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    @Test
    void registryReadLatencyAtFiveHundredRequestsPerSecondAndMostThroughput() throws Exception {
        String team = "bench-registry";
        String image = anImage(builder(team), aBuildRequest().withFormats("qcow2", "vmdk", "raw").build());
        as(team, "promoter").put("/api/v1/channels/production/debian/server", Map.of("image", image));
        HttpRequest read = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/registry/debian/server/production"))
                .header("Authorization", "Bearer " + as(team, "reader").token())
                .header("Accept", "application/json").timeout(Duration.ofSeconds(10)).GET().build();
        closedLoop(read, Duration.ofSeconds(5), 4); // warm-up: JIT, connection pools, token cache

        long[] open = openLoop(read);
        report("open load " + RATE + "/s for " + OPEN_LOAD.toSeconds() + " s", open, OPEN_LOAD);
        long[] closed = closedLoop(read, CLOSED_LOAD, CLOSED_CLIENTS);
        report("closed loop, " + CLOSED_CLIENTS + " clients, " + CLOSED_LOAD.toSeconds() + " s", closed, CLOSED_LOAD);
    }

    /** Starts one request every 1/RATE s on its own virtual thread; latency counts from the scheduled start. */
    private static long[] openLoop(HttpRequest read) throws Exception {
        int total = (int) (RATE * OPEN_LOAD.toSeconds());
        long intervalNanos = 1_000_000_000L / RATE;
        List<Future<Long>> results = new ArrayList<>(total);
        AtomicInteger failures = new AtomicInteger();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long scheduled = start + i * intervalNanos;
                long wait = scheduled - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                results.add(threads.submit(() -> {
                    HttpResponse<Void> response = CLIENT.send(read, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() != 200) {
                        failures.incrementAndGet();
                    }
                    return System.nanoTime() - scheduled;
                }));
            }
        }
        if (failures.get() > 0) {
            System.out.printf("REGISTRY BENCH: %d requests did not answer 200%n", failures.get());
        }
        long[] latencies = new long[total];
        for (int i = 0; i < total; i++) {
            latencies[i] = results.get(i).get();
        }
        return latencies;
    }

    private static long[] closedLoop(HttpRequest read, Duration length, int clients) throws Exception {
        List<Future<List<Long>>> results = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                results.add(threads.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        CLIENT.send(read, HttpResponse.BodyHandlers.discarding());
                        mine.add(System.nanoTime() - t0);
                    }
                    return mine;
                }));
            }
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> result : results) {
            all.addAll(result.get());
        }
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    private static void report(String label, long[] latencies, Duration length) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf("REGISTRY BENCH %s: %d requests, %.0f req/s, latency p50 %.2f ms, p99 %.2f ms, "
                        + "p99.9 %.2f ms, max %.2f ms%n", label, sorted.length,
                sorted.length / (double) length.toSeconds(), ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 0.999),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
