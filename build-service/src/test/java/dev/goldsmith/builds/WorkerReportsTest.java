package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.Lease;
import dev.goldsmith.api.LogChunk;
import dev.goldsmith.api.StageReport;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever a worker reports (it relays what a build's medium printed) is stored, never a 5xx: NUL and other
 * characters PostgreSQL or XML refuse are cleaned, secrets are masked before anything is cut, and a build's log
 * stays within its budget while the build goes on. Followed logs are bounded per replica.
 */
class WorkerReportsTest extends ServiceTest {

    private static final String PASSWORD = "Hunter2-is-the-pa55word";

    private Api team;
    private Worker worker;

    @BeforeEach
    void aRunningBuild() {
        emptyQueue();
        team = builder("reports");
        worker = aWorker("tcg");
    }

    private Lease claimed() {
        submit(team, aBuildRequest().withAnswer("KLDLOAD_PASSWORD", PASSWORD).build());
        return worker.claim();
    }

    private String log(UUID build) {
        return team.get("/api/v1/builds/" + build + "/logs").body();
    }

    @Test
    void nulAndOtherUnstorableCharactersInAnyReportAreCleanedNotA500() {
        Lease lease = claimed();
        String path = "/api/v1/leases/" + lease.leaseId();

        // Written as JSON escapes: a lone surrogate cannot even be encoded as UTF-8 by a client.
        Api.Response logged = worker.api().postRaw(path + "/logs", "{\"seq\": 0, \"lines\": "
                + "[\"serial\\u0000 line\\u0007 \\uffff\\ud800 end\", \"two\\nlines\"]}", "application/json");
        Api.Response staged = worker.api().post(path + "/stages/INSTALL", new StageReport("FAILED", "detail\u0000x"));
        Api.Response completed = worker.complete(lease.leaseId(), new CompleteRequest("FAILED", "INSTALL_FAILED",
                "INSTALL", "installer said \u0000boom", false, null,
                List.of(new CheckResult("check\u0000", "cmd\u0000", 1, false, "out\u0000put \uFFFE", 5)), null));

        assertThat(logged.status()).as(logged.toString()).isEqualTo(200);
        assertThat(staged.status()).as(staged.toString()).isEqualTo(204);
        assertThat(completed.status()).as(completed.toString()).isEqualTo(200);
        var build = team.get("/api/v1/builds/" + lease.build().buildId()).json();
        assertThat(build.get("failure").get("reason").asString()).isEqualTo("installer said boom");
        assertThat(log(lease.build().buildId())).contains("serial line \uFFFD\uFFFD end\ntwo lines\n");
        var check = team.get("/api/v1/builds/" + lease.build().buildId() + "/tests").json().get("checks").get(0);
        assertThat(check.get("name").asString()).isEqualTo("check");
        assertThat(check.get("output").asString()).isEqualTo("output \uFFFD");
        Api.Response junit = team.getWithHeader("/api/v1/builds/" + lease.build().buildId() + "/tests", "Accept",
                "application/xml");
        assertThat(junit.status()).isEqualTo(200);
        assertThat(junit.body()).doesNotContain("\u0000", "\uFFFF");
    }

    @Test
    void aSecretCutAtTheTextLimitIsStillMaskedWhole() {
        Lease lease = claimed();
        // The secret straddles the 2,000-character limit of a failure reason.
        String reason = "x".repeat(1990) + PASSWORD + " and more";

        worker.complete(lease.leaseId(), new CompleteRequest("FAILED", "TEST_FAILED", "TEST", reason, false, null,
                null, null));

        String stored = team.get("/api/v1/builds/" + lease.build().buildId()).json().get("failure").get("reason")
                .asString();
        assertThat(stored).hasSize(2000).startsWith("x".repeat(1990) + "********")
                .doesNotContain(PASSWORD.substring(0, 6));
    }

    @Test
    void aLogPastItsBudgetIsCountedAndDroppedWithOneMarkerAndTheBuildGoesOn() {
        Lease lease = claimed();
        String path = "/api/v1/leases/" + lease.leaseId() + "/logs";
        String line = "y".repeat(999);
        // 100 KB a chunk against the tests' 256 KB budget: the third chunk crosses it.
        for (int seq = 0; seq < 5; seq++) {
            List<String> lines = IntStream.range(0, 100).mapToObj(i -> line).toList();
            assertThat(worker.api().post(path, new LogChunk(seq, lines)).status()).isEqualTo(200);
        }
        // A chunk sent again is not counted twice.
        worker.api().post(path, new LogChunk(4, List.of(line)));

        assertThat(worker.heartbeat(lease.leaseId()).status()).isEqualTo(200);
        String log = log(lease.build().buildId());
        long kept = log.lines().filter(line::equals).count();
        assertThat(kept).isBetween(250L, 262L);
        assertThat(log.lines().filter(l -> l.contains("this build's log reached its budget of 256 KiB"))).hasSize(1);
        worker.complete(lease.leaseId(), dev.goldsmith.support.Completions.aFailure("TEST_FAILED", false));
        assertThat(log(lease.build().buildId())).endsWith("[goldsmith] " + (500 - kept)
                + " more line(s) were dropped: the log had reached its budget\n");
    }

    @Test
    void followersPastTheReplicasCapAre503WithRetryAfterAndAFollowerSeesNewLinesAtOnce() throws Exception {
        Lease lease = claimed();
        UUID build = lease.build().buildId();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<InputStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                HttpResponse<InputStream> followed = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/builds/" + build + "/logs?follow=true"))
                        .header("Authorization", "Bearer " + team.token()).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertThat(followed.statusCode()).isEqualTo(200);
                streams.add(followed.body());
            }

            Api.Response refused = team.get("/api/v1/builds/" + build + "/logs?follow=true");

            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.isProblem()).isTrue();
            assertThat(refused.header("Retry-After")).contains("5");

            worker.api().post("/api/v1/leases/" + lease.leaseId() + "/logs", new LogChunk(0, List.of("live line")));
            InputStream first = streams.getFirst();
            String seen = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(first.readNBytes(28), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            }).get(5, TimeUnit.SECONDS);
            assertThat(seen).isEqualTo("=== attempt 1 ===\nlive line\n");
        } finally {
            for (InputStream stream : streams) {
                stream.close();
            }
            worker.complete(lease.leaseId(), dev.goldsmith.support.Completions.aFailure("TEST_FAILED", false));
        }
        // Once the streams end, their places are free again.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<Void> again = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/builds/" + build + "/logs?follow=true"))
                    .header("Authorization", "Bearer " + team.token()).build(),
                    HttpResponse.BodyHandlers.discarding());
            return again.statusCode() == 200;
        });
    }
}
