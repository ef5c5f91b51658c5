package dev.goldsmith.worker.e2e;

import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.Lease;
import dev.goldsmith.api.WorkerRegistration;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.stages.ArtifactUploader;
import dev.goldsmith.worker.vm.Commands;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 3's figures (prints, never asserts): hashing + upload throughput against {@code sha256sum} and a plain
 * copy of the same file, and the farm's overhead around the work of a real reference-tiny build.
 * Run with {@code ./scripts/bench.sh -pl worker-agent -am}.
 */
@Tag("bench")
class PipelineBenchmarkTest {

    private static final long FILE_BYTES = 1L << 30;

    @Test
    void hashingAndUploadAgainstSha256sumAndCopy() throws Exception {
        Path dir = Files.createTempDirectory("goldsmith-bench-");
        try (Farm farm = Farm.start(dir, Map.of())) {
            String builder = farm.token("bench", "builder");
            ControlPlane worker = new ControlPlane(URI.create("http://127.0.0.1:" + farm.port), farm.token("farm", "worker"));
            var registered = worker.register(new WorkerRegistration("bench", "x86_64", "tcg", "bench", 1, List.of("bench")));
            farm.call("POST", "/api/v1/builds", builder, Map.of("distro", "debian", "profile", "core",
                    "installer", "reference-tiny", "formats", List.of("raw"), "workerLabels", List.of("bench"),
                    "force", true, "source", Map.of("repository", "bench", "commit", "abcdef0123")));
            Lease lease = worker.claim(registered.workerId(), Duration.ofSeconds(10)).orElseThrow();
            Path file = dir.resolve(lease.build().imageName() + ".raw");
            writeRandom(file, FILE_BYTES);
            Commands.run(List.of("sync"), Duration.ofMinutes(2));

            double sha = seconds(() -> Commands.run(List.of("sha256sum", file.toString()), Duration.ofMinutes(10)).orThrow());
            double copy = seconds(() -> Commands.run(List.of("cp", file.toString(), dir.resolve("copy.raw").toString()),
                    Duration.ofMinutes(10)).orThrow());
            Files.delete(dir.resolve("copy.raw"));
            var uploaded = new ArtifactUploader(worker, Duration.ZERO).upload(lease.leaseId(), "raw", file);
            double transfer = uploaded.transfer().toMillis() / 1000.0;
            double verification = uploaded.verification().toMillis() / 1000.0;

            double mb = FILE_BYTES / 1e6;
            double slower = Math.max(sha, copy);
            System.out.printf("BENCH 1 GiB file: sha256sum %.2f s (%.0f MB/s), cp %.2f s (%.0f MB/s); worker hash + "
                            + "parallel multipart upload %.2f s (%.0f MB/s) = %.0f %% of the slower of the two; "
                            + "then control-plane assembly + read-back verification %.2f s%n",
                    sha, mb / sha, copy, mb / copy, transfer, mb / transfer, 100 * slower / transfer, verification);
        } finally {
            Farm.deleteTree(dir);
        }
    }

    @Test
    void farmOverheadAroundARealBuild() throws Exception {
        Path dir = Files.createTempDirectory("goldsmith-bench-");
        try (Farm farm = Farm.start(dir, Map.of())) {
            String builder = farm.token("bench", "builder");
            farm.worker("bench-worker", farm.token("farm", "worker"), dir.resolve("work"), Map.of());
            // Start the clock once the agent waits for work: its JVM start is not the farm's overhead.
            Path workerLog = dir.resolve("bench-worker.log");
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(workerLog) && Files.readString(workerLog).contains("registered as worker"));
            Instant submitted = Instant.now();
            var response = farm.call("POST", "/api/v1/builds", builder, Map.of("distro", "debian", "profile", "core",
                    "installer", "reference-tiny", "formats", List.of("qcow2", "vmdk"), "force", true,
                    "answers", Map.of("KLDLOAD_HOSTNAME", "bench"),
                    "source", Map.of("repository", "bench", "commit", "abcdef0123")));
            String id = Farm.JSON.readTree(response.body()).get("id").asString();
            JsonNode build = farm.awaitEnd(id, builder, Duration.ofMinutes(10));
            double wall = Duration.between(submitted, Instant.now()).toMillis() / 1000.0;
            long stageMillis = 0;
            StringBuilder stages = new StringBuilder();
            for (JsonNode stage : build.get("stages")) {
                stageMillis += stage.get("durationMs").asLong();
                stages.append(String.format(" %s %.1f s,", stage.get("stage").asString(),
                        stage.get("durationMs").asLong() / 1000.0));
            }
            double work = stageMillis / 1000.0;
            System.out.printf("BENCH reference-tiny build (qcow2+vmdk) %s under TCG: submit->%s %.1f s; stages%s "
                            + "sum %.1f s; farm overhead around the stages %.1f s = %.1f %%%n",
                    build.get("status").asString(), build.get("status").asString(), wall, stages, work, wall - work,
                    100 * (wall - work) / wall);
        } finally {
            Farm.deleteTree(dir);
        }
    }

    private interface Timed {
        void run() throws Exception;
    }

    private static double seconds(Timed timed) throws Exception {
        long start = System.nanoTime();
        timed.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void writeRandom(Path file, long bytes) throws Exception {
        Random random = new Random(42);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }
}
