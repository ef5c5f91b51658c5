package dev.goldsmith.bench;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;

import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's registry figures on real HTTP over loopback: what Terraform reads
 * ({@code GET /api/v1/registry/debian/server/production}: bearer token checked, channel and version read from
 * PostgreSQL, download links signed, ETag computed), loaded by {@code wrk} (Debian's package, a separate process,
 * so the load generator does not share the service's JVM). After a warm-up: the most 16 connections get, then
 * about 500 requests/s (32 connections, each waiting {@value #PACE_MS} ms between its requests; as long as a
 * request takes less than that, no request waits for another and the latency is not understated). Prints, does
 * not assert.
 */
@Tag("bench")
class RegistryBenchmarkTest extends ServiceTest {

    private static final int PACED_CONNECTIONS = 32;
    private static final int PACE_MS = 64; // 32 connections / 0.064 s = 500 requests/s

    @TempDir
    Path dir;

    @Test
    void registryReadLatencyAtFiveHundredRequestsPerSecondAndMostThroughput() throws Exception {
        String team = "bench-registry";
        String image = anImage(builder(team), aBuildRequest().withFormats("qcow2", "vmdk", "raw").build());
        as(team, "promoter").put("/api/v1/channels/production/debian/server", Map.of("image", image));
        String url = "http://127.0.0.1:" + port + "/api/v1/registry/debian/server/production";
        String auth = "Authorization: Bearer " + as(team, "reader").token();
        Path pace = dir.resolve("pace.lua");
        Files.writeString(pace, "function delay()\n  return " + PACE_MS + "\nend\n");

        wrk("warm-up", List.of("-t2", "-c16", "-d30s", "-H", auth, url));
        print("BENCH registry most throughput, 16 connections, 10 s",
                wrk("most", List.of("-t2", "-c16", "-d10s", "--latency", "-H", auth, url)));
        print("BENCH registry paced " + PACED_CONNECTIONS + " connections x 1/" + PACE_MS + " ms (~500/s), 20 s",
                wrk("paced", List.of("-t2", "-c" + PACED_CONNECTIONS, "-d20s", "--latency", "-s", pace.toString(),
                        "-H", auth, url)));
    }

    private static void print(String label, String wrkOutput) {
        List<String> figures = new ArrayList<>();
        for (String line : wrkOutput.lines().toList()) {
            String trimmed = line.strip();
            if (trimmed.startsWith("Requests/sec") || trimmed.matches("(50|75|90|99)%\\s+\\S+")
                    || trimmed.contains("requests in") || trimmed.startsWith("Non-2xx")
                    || trimmed.startsWith("Socket errors")) {
                figures.add(trimmed.replaceAll("\\s+", " "));
            }
        }
        System.out.println(label + ": " + String.join("; ", figures));
    }

    private static String wrk(String what, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk"));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk " + what + " failed: " + output);
        }
        return output;
    }
}
