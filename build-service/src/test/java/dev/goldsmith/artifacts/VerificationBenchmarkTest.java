package dev.goldsmith.artifacts;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 7's verification figure: the control plane reading a stored object back through the S3 API and hashing
 * it (what it does before a build may succeed), against {@code sha256sum} over the very file S3Proxy keeps for
 * that object. Prints, does not assert.
 */
@Tag("bench")
class VerificationBenchmarkTest extends ServiceTest {

    private static final long SIZE = 1L << 30;

    @Autowired
    ObjectStore store;

    @Autowired
    GoldsmithProperties properties;

    @TempDir
    Path dir;

    @Test
    void serverSideVerificationAgainstSha256sumOnTheSameObject() throws Exception {
        Path file = dir.resolve("random.img");
        try (OutputStream out = Files.newOutputStream(file)) {
            SplittableRandom random = new SplittableRandom(7);
            byte[] block = new byte[1 << 20];
            for (long written = 0; written < SIZE; written += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long value = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        block[i + b] = (byte) (value >>> (8 * b));
                    }
                }
                out.write(block);
            }
        }
        String key = "bench/verification/random.img";
        try (var in = Files.newInputStream(file)) {
            store.putStream(key, in, SIZE, "application/octet-stream");
        }
        Path stored = properties.dataDir().resolve("s3").resolve("goldsmith-images").resolve(key);
        sha256sum(stored); // warm the page cache for both readers alike

        long t0 = System.nanoTime();
        String viaS3 = store.sha256(key);
        double s3Seconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        String viaSha256sum = sha256sum(stored);
        double toolSeconds = (System.nanoTime() - t1) / 1e9;

        System.out.printf("BENCH verification 1 GiB: control plane (S3 GET + SHA-256) %.2f s = %.0f MB/s; "
                        + "sha256sum on the stored file %.2f s = %.0f MB/s; ratio %.0f %%; digests %s%n",
                s3Seconds, SIZE / 1e6 / s3Seconds, toolSeconds, SIZE / 1e6 / toolSeconds,
                100 * toolSeconds / s3Seconds, viaS3.equals(viaSha256sum) ? "agree" : "DIFFER");
        store.remove(key);
    }

    private static String sha256sum(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of("sha256sum", file.toString())).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor(5, TimeUnit.MINUTES);
        return out.split(" ")[0];
    }
}
