package dev.goldsmith.bench;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.Completions.aFailure;
import static dev.goldsmith.support.Completions.aSuccess;
import static dev.goldsmith.support.QueuedBuilds.aQueuedBuild;

import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import dev.goldsmith.workers.LeaseOffers;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 2's figures, on real HTTP over loopback against embedded PostgreSQL with fsync and synchronous_commit
 * on: dispatch latency with 50 idle long-polling workers, and claim+complete throughput with 32 workers.
 * Run with {@code mvn -Pbench verify -pl build-service -am}; it prints, it does not assert.
 */
@Tag("bench")
// By name: the throughput test (which warms the service until the JIT settles) runs before the floor.
@TestMethodOrder(MethodOrderer.MethodName.class)
class QueueBenchmarkTest extends ServiceTest {

    private static final int IDLE_WORKERS = 50;
    private static final int DISPATCHES = 300;
    private static final int THROUGHPUT_WORKERS = 32;
    private static final int THROUGHPUT_BUILDS = 2_000;
    private static final int MAX_WARM_UP_ROUNDS = 20;
    private static final int MEASURED_ROUNDS = 5;

    @TempDir
    Path dir;

    @Autowired
    LeaseOffers offers;

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
                        + "%d idle workers, %d builds: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms "
                        + "(%d of %d dispatched)%n",
                IDLE_WORKERS, DISPATCHES, percentile(millis, 50), percentile(millis, 90), percentile(millis, 99),
                millis[millis.length - 1], millis.length, DISPATCHES);
    }

    /**
     * The 32 workers are {@code wrk} threads (Debian's package, a separate process; a load generator inside this
     * JVM measured mostly itself), one connection and one registered worker each, running
     * {@code bench/workers.lua}: like the worker agent, each completion asks for the next build
     * ({@code next=PT0S}), so a busy worker makes one request per build. Each round is timed by the database from
     * the first claim to the last completion. Completions are failures (a test failed, not retried: the queue's
     * own path) and then successes (which also archive the log and test report, store the SBOM, record the image
     * version and sign its provenance).
     */
    @Test
    void claimAndCompleteThroughputWithThirtyTwoWorkers() throws Exception {
        emptyQueue();
        Path workers = dir.resolve("workers.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < THROUGHPUT_WORKERS; i++) {
            Worker worker = aWorker("tcg");
            lines.add(worker.id() + " " + worker.api().token());
        }
        Files.write(workers, lines);
        for (CompleteRequest completion : completions()) {
            Path body = dir.resolve("completion.json");
            Files.writeString(body, Api.JSON.writeValueAsString(completion));
            Rounds rounds = measure(completion, "http", team -> throughput(team, workers, body));
            System.out.printf("BENCH claim+complete(%s) throughput, %d workers (wrk) over HTTP, %s%n",
                    completion.outcome(), THROUGHPUT_WORKERS, rounds);
        }
    }

    /**
     * The same work without HTTP: 32 threads of this JVM call the service's {@link LeaseOffers} directly, as the
     * lease endpoints do (claim, then complete each lease asking for the next), so Tomcat, Spring MVC, Spring
     * Security and JSON drop out. What is left is the service's own logic, JDBC and PostgreSQL: the ceiling any
     * HTTP front could reach on this machine with the SQL a build takes now.
     */
    @Test
    void claimAndCompleteThroughputInProcessWithoutHttp() throws Exception {
        emptyQueue();
        List<UUID> workers = new ArrayList<>();
        for (int i = 0; i < THROUGHPUT_WORKERS; i++) {
            workers.add(aWorker("tcg").id());
        }
        for (CompleteRequest completion : completions()) {
            Rounds rounds = measure(completion, "inproc", team -> inProcess(team, workers, completion));
            System.out.printf("BENCH claim+complete(%s) in process without HTTP, %d worker threads, %s%n",
                    completion.outcome(), THROUGHPUT_WORKERS, rounds);
        }
    }

    private interface Round {
        Throughput run(String team) throws Exception;
    }

    /**
     * Rounds of 2,000 builds warm the service up until the JIT has settled (it spent under a tenth of a round
     * compiling: on two cores C2 keeps compiling the request path for a minute or more, competing with it for
     * CPU); the next rounds are measured.
     */
    private static Rounds measure(CompleteRequest completion, String kind, Round round) throws Exception {
        String prefix = "bench-" + kind + "-" + completion.outcome().toLowerCase(Locale.ROOT);
        int warmUpRounds = 0;
        boolean settled = false;
        while (!settled && warmUpRounds < MAX_WARM_UP_ROUNDS) {
            warmUpRounds++;
            long compiling = compilationMillis();
            Throughput warmUp = round.run(prefix + "-warm-" + warmUpRounds);
            settled = compilationMillis() - compiling < warmUp.seconds() * 1000 / 10;
        }
        double[] rates = new double[MEASURED_ROUNDS];
        double[] serviceCpu = new double[MEASURED_ROUNDS];
        double[] databaseCpu = new double[MEASURED_ROUNDS];
        long ended = 0;
        for (int i = 0; i < MEASURED_ROUNDS; i++) {
            Throughput measured = round.run(prefix + "-" + i);
            rates[i] = THROUGHPUT_BUILDS / measured.seconds();
            serviceCpu[i] = measured.cpu().serviceNanos() / 1e6 / THROUGHPUT_BUILDS;
            databaseCpu[i] = measured.cpu().databaseNanos() / 1e6 / THROUGHPUT_BUILDS;
            ended += measured.ended();
        }
        Arrays.sort(rates);
        Arrays.sort(serviceCpu);
        Arrays.sort(databaseCpu);
        return new Rounds(completion.outcome(), warmUpRounds, settled, rates, serviceCpu, databaseCpu, ended);
    }

    private record Rounds(String outcome, int warmUpRounds, boolean settled, double[] rates, double[] serviceCpu,
            double[] databaseCpu, long ended) {

        @Override
        public String toString() {
            int median = MEASURED_ROUNDS / 2;
            return String.format(Locale.ROOT, "%d rounds of %d builds after %d warm-up rounds (JIT %s): median %.0f "
                            + "per second, min %.0f, max %.0f (%d ended %s); CPU per build (medians): service JVM "
                            + "%.2f ms, PostgreSQL %.2f ms", MEASURED_ROUNDS, THROUGHPUT_BUILDS, warmUpRounds,
                    settled ? "settled" : "still compiling", rates[median], rates[0], rates[MEASURED_ROUNDS - 1],
                    ended, outcome, serviceCpu[median], databaseCpu[median]);
        }
    }

    private Throughput inProcess(String team, List<UUID> workers, CompleteRequest completion) throws Exception {
        aQueuedBuild().forTeam(team).times(THROUGHPUT_BUILDS).withVerifiedArtifacts().insert(jdbc);
        ProcessHandle postmaster = postmaster();
        CpuTimes before = CpuTimes.of(postmaster);
        ExecutorService threads = Executors.newFixedThreadPool(workers.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (UUID worker : workers) {
                running.add(threads.submit(() -> {
                    Lease lease = offers.claim(worker, Duration.ZERO).orElse(null);
                    while (lease != null) {
                        lease = offers.complete(lease.leaseId(), worker, completion, Duration.ZERO).next();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : running) {
                worker.get(2, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        CpuTimes used = CpuTimes.of(postmaster).minus(before);
        if (queuedOrRunning(team) > 0) {
            throw new IllegalStateException("builds of " + team + " are still queued or running");
        }
        return ended(team, used);
    }

    /** Both kinds, or one: {@code -Dgoldsmith.bench.outcome=FAILED} (or SUCCEEDED) measures only that. */
    private static List<CompleteRequest> completions() {
        String only = System.getProperty("goldsmith.bench.outcome");
        return Stream.of(aFailure("TEST_FAILED", false), aSuccess())
                .filter(c -> only == null || only.isBlank() || c.outcome().equals(only)).toList();
    }

    private static long compilationMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /**
     * What the throughput figure stands on, measured the same way ({@code wrk}, 16 connections, after a warm-up):
     * the cheapest request the service answers (the provenance public key: no token, no database) and a claim
     * that finds nothing (a token check and one statement).
     */
    @Test
    void floorUnderTheThroughputFigure() throws Exception {
        emptyQueue();
        Worker worker = aWorker("tcg");
        Path post = dir.resolve("post.lua");
        Files.writeString(post, "wrk.method = \"POST\"\n");
        String base = "http://127.0.0.1:" + port;
        List<String> publicKey = List.of(base + "/api/v1/provenance/public-key");
        List<String> emptyClaim = List.of("-s", post.toString(), "-H", "Authorization: Bearer " + worker.api().token(),
                base + "/api/v1/workers/" + worker.id() + "/claim?wait=PT0S");
        System.out.printf("BENCH floor, 16 connections (wrk): GET public key %s; claim with an empty queue %s%n",
                requestsPerSecond(publicKey), requestsPerSecond(emptyClaim));
    }

    private static String requestsPerSecond(List<String> target) throws Exception {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c16"));
        run(command, "-d5s", target);
        String output = run(command, "-d10s", target);
        return output.lines().filter(line -> line.startsWith("Requests/sec") || line.contains("Non-2xx"))
                .map(line -> line.strip().replaceAll("\\s+", " ")).toList().toString();
    }

    private static String run(List<String> command, String duration, List<String> target) throws Exception {
        List<String> full = new ArrayList<>(command);
        full.add(duration);
        full.addAll(target);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + output);
        }
        return output;
    }

    private record Throughput(double seconds, long ended, CpuTimes cpu) {
    }

    /**
     * CPU time used by this JVM (the service; the test itself idles while {@code wrk} runs) and by the embedded
     * PostgreSQL's processes. Per build it compares code more steadily than throughput on these shared machines,
     * where another tenant's load changes the wall clock but not the work done.
     */
    private record CpuTimes(long serviceNanos, long databaseNanos) {

        private static final long NANOS_PER_TICK = 10_000_000; // USER_HZ is 100 on Linux

        CpuTimes minus(CpuTimes earlier) {
            return new CpuTimes(serviceNanos - earlier.serviceNanos, databaseNanos - earlier.databaseNanos);
        }

        static CpuTimes of(ProcessHandle postmaster) {
            long service = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            long database = Stream.concat(Stream.of(postmaster), postmaster.descendants())
                    .mapToLong(CpuTimes::ticks).sum() * NANOS_PER_TICK;
            return new CpuTimes(service, database);
        }

        /** utime + stime from {@code /proc/<pid>/stat}; 0 for a process that has gone. */
        private static long ticks(ProcessHandle process) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }

    private ProcessHandle postmaster() {
        long backend = jdbc.sql("select pg_backend_pid()").query(Long.class).single();
        return ProcessHandle.of(backend).flatMap(ProcessHandle::parent)
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL postmaster above backend " + backend));
    }

    private Throughput throughput(String team, Path workers, Path completion) throws Exception {
        // The queue, not the object store: each build's artifact is recorded as verified up front.
        aQueuedBuild().forTeam(team).times(THROUGHPUT_BUILDS).withVerifiedArtifacts().insert(jdbc);
        Path script = dir.resolve("workers.lua");
        try (InputStream lua = getClass().getResourceAsStream("/bench/workers.lua")) {
            Files.copy(lua, script, StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessBuilder wrk = new ProcessBuilder("wrk", "-t" + THROUGHPUT_WORKERS, "-c" + THROUGHPUT_WORKERS, "-d120s",
                "-s", script.toString(), "http://127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("wrk-" + team + ".log").toFile());
        wrk.environment().put("GOLDSMITH_BENCH_WORKERS", workers.toString());
        wrk.environment().put("GOLDSMITH_BENCH_COMPLETION", completion.toString());
        ProcessHandle postmaster = postmaster();
        CpuTimes before = CpuTimes.of(postmaster);
        Process process = wrk.start();
        CpuTimes used;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(110);
            while (queuedOrRunning(team) > 0 && System.nanoTime() < deadline && process.isAlive()) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            used = CpuTimes.of(postmaster).minus(before);
        }
        String errors = Files.readString(dir.resolve("wrk-" + team + ".log"));
        if (queuedOrRunning(team) > 0 || errors.contains("answered")) {
            throw new IllegalStateException("the simulated workers did not finish cleanly: " + errors);
        }
        return ended(team, used);
    }

    /** The team's builds, timed by the database from the first claim to the last completion. */
    private Throughput ended(String team, CpuTimes used) {
        return jdbc.sql("""
                        select extract(epoch from max(finished_at) - min(started_at)),
                               count(*) filter (where status in ('SUCCEEDED', 'FAILED'))
                          from builds where team = ?
                        """)
                .param(team).query((rs, n) -> new Throughput(rs.getDouble(1), rs.getLong(2), used)).single();
    }

    private long queuedOrRunning(String team) {
        return jdbc.sql("select count(*) from builds where team = ? and status in ('QUEUED', 'RUNNING')")
                .param(team).query(Long.class).single();
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
