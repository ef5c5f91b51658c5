package dev.goldsmith.metrics;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.Lease;
import dev.goldsmith.api.StageReport;
import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The operations view of DESIGN §10, on a real scrape, and valid for Prometheus's own checker. */
class MetricsTest extends ServiceTest {

    @Test
    void scrapeShowsQueueWorkersStagesAndOutcomesAndPassesPromtool() throws Exception {
        emptyQueue();
        Worker worker = aWorker("tcg");
        submit(builder("alpha"), aBuildRequest().build());
        Lease lease = worker.claim();
        String leasePath = "/api/v1/leases/" + lease.leaseId() + "/stages/INSTALL";
        worker.api().post(leasePath, new StageReport("RUNNING", null));
        worker.api().post(leasePath, new StageReport("SUCCEEDED", null));
        worker.uploadAndSucceed(lease);

        await().atMost(Duration.ofSeconds(20)).until(() -> scrape().contains("goldsmith_workers_online{"));
        String metrics = scrape();

        assertThat(metrics).contains(
                "goldsmith_builds{application=\"goldsmith\",status=\"QUEUED\"}",
                "goldsmith_workers_online{accel=\"tcg\",application=\"goldsmith\"}",
                "goldsmith_queue_wait_seconds_bucket",
                "goldsmith_stage_duration_seconds_bucket",
                "goldsmith_builds_completed_total",
                "goldsmith_leases_expired_total",
                "goldsmith_builds_cache_hits_total");
        // promtool also lints the JVM and Tomcat meters Micrometer names; ours must be clean and all must parse.
        assertThat(promtoolCheck(metrics).lines()
                .filter(line -> line.startsWith("goldsmith_") || line.contains("error"))).isEmpty();
    }

    @Test
    void springSecurityRecordsNoObservationsOfItsChain() {
        aWorker("tcg").claimResponse("PT0S");
        admin().get("/api/v1/builds");

        assertThat(scrape()).doesNotContain("spring_security");
    }

    private String scrape() {
        return admin().get("/actuator/prometheus").body();
    }

    /** What {@code promtool check metrics} reports: parse errors and lint findings, one per line. */
    private static String promtoolCheck(String metrics) throws IOException, InterruptedException {
        Process promtool = new ProcessBuilder(List.of("promtool", "check", "metrics")).redirectErrorStream(true).start();
        promtool.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return promtool.exitValue() == 0 ? "" : output;
    }
}
