package dev.goldsmith.workers;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.Completions.aFailure;
import static dev.goldsmith.support.Completions.aSuccess;
import static dev.goldsmith.support.ImageFiles.aTinyImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.Lease;
import dev.goldsmith.api.LogChunk;
import dev.goldsmith.api.StageReport;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class WorkerProtocolTest extends ServiceTest {

    @BeforeEach
    void clean() {
        emptyQueue();
    }

    @Test
    void claimAnswers204WhenNothingIsQueued() {
        Worker worker = aWorker("tcg");

        Api.Response response = worker.claimResponse("PT0.2S");

        assertThat(response.status()).isEqualTo(204);
    }

    @Test
    void claimMarksAWorkerNotSeenForOverASecondAsSeenNow() {
        Worker worker = aWorker("tcg");
        markSeen(worker, -2);

        worker.claimResponse("PT0S");

        assertThat(secondsSinceSeen(worker)).isLessThan(2.0);
    }

    @Test
    void claimWritesNoNewSeenMarkWithinASecondOfTheLast() {
        Worker worker = aWorker("tcg");
        // A mark ahead of the database's clock: any write by the claim would move it back to now().
        markSeen(worker, 60);

        worker.claimResponse("PT0S");

        assertThat(secondsSinceSeen(worker)).isLessThan(-30.0);
    }

    private void markSeen(Worker worker, int secondsFromNow) {
        jdbc.sql("update workers set last_seen_at = now() + make_interval(secs => ?) where id = ?")
                .params(secondsFromNow, worker.id()).update();
    }

    private double secondsSinceSeen(Worker worker) {
        return jdbc.sql("select extract(epoch from now() - last_seen_at) from workers where id = ?")
                .param(worker.id()).query(Double.class).single();
    }

    @Test
    void waitingClaimReceivesBuildSubmittedWhileItWaits() throws Exception {
        Worker worker = aWorker("tcg");
        var claim = CompletableFuture.supplyAsync(() -> worker.claimResponse("PT5S"));
        // The long-poll is still waiting (nothing queued) before the build exists.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !claim.isDone());
        UUID id = submit(builder("alpha"), aBuildRequest().build());

        Api.Response response = claim.get();

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.as(Lease.class).build().buildId()).isEqualTo(id);
    }

    @Test
    void fullRunRecordsStagesLogsChecksAndArtifacts() {
        Worker worker = aWorker("tcg");
        Api team = builder("alpha");
        UUID id = submit(team, aBuildRequest().withFormats("qcow2", "raw").build());

        Lease lease = worker.claim();
        assertThat(lease.build().buildId()).isEqualTo(id);
        assertThat(lease.build().attempt()).isEqualTo(1);
        assertThat(lease.build().answers()).containsEntry("KLDLOAD_PASSWORD", "s3cret-Pa55word");
        String leasePath = "/api/v1/leases/" + lease.leaseId();
        assertThat(worker.heartbeat(lease.leaseId()).json().get("cancel").asBoolean()).isFalse();
        for (String stage : List.of("INSTALL", "TEST", "SEAL", "EXPORT", "STORE")) {
            assertThat(worker.api().post(leasePath + "/stages/" + stage, new StageReport("RUNNING", null)).status())
                    .isEqualTo(204);
            assertThat(worker.api().post(leasePath + "/stages/" + stage, new StageReport("SUCCEEDED", "ok")).status())
                    .isEqualTo(204);
        }
        assertThat(worker.api().post(leasePath + "/logs", new LogChunk(0, List.of("booting", "installing")))
                .json().get("stored").asBoolean()).isTrue();
        assertThat(worker.api().post(leasePath + "/logs", new LogChunk(0, List.of("booting", "installing")))
                .json().get("stored").asBoolean()).isFalse();
        worker.api().post(leasePath + "/logs", new LogChunk(1, List.of("done")));

        Api.Response done = worker.uploadAndSucceed(lease);

        assertThat(done.json().get("status").asString()).isEqualTo("SUCCEEDED");
        JsonNode build = team.get("/api/v1/builds/" + id).json();
        assertThat(build.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(build.get("workerName").asString()).startsWith("worker-");
        assertThat(build.get("stages")).hasSize(5);
        assertThat(build.get("stages").get(0).get("durationMs").isNumber()).isTrue();
        assertThat(build.get("artifacts")).hasSize(2);
        assertThat(team.get("/api/v1/builds/" + id + "/logs").body())
                .isEqualTo("=== attempt 1 ===\nbooting\ninstalling\ndone\n");
        assertThat(team.get("/api/v1/builds/" + id + "/tests").json().get("passed").asInt()).isEqualTo(1);
    }

    @Test
    void successWithoutEveryRequestedFormatIsRefused() {
        Worker worker = aWorker("tcg");
        submit(builder("alpha"), aBuildRequest().withFormats("qcow2", "vmdk").build());
        Lease lease = worker.claim();
        worker.upload(lease, "qcow2", aTinyImage(lease.build().imageName() + ".qcow2"));

        Api.Response response = worker.complete(lease.leaseId(), aSuccess());

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("artifacts");
        assertThat(status(lease.build().buildId())).isEqualTo("RUNNING");
    }

    @Test
    void workerCannotTouchAnotherWorkersLease() {
        Worker owner = aWorker("tcg");
        Worker intruder = aWorker("tcg");
        submit(builder("alpha"), aBuildRequest().build());
        Lease lease = owner.claim();

        assertThat(intruder.heartbeat(lease.leaseId()).status()).isEqualTo(403);
        assertThat(intruder.complete(lease.leaseId(), aFailure("X", false)).status()).isEqualTo(403);
        assertThat(intruder.api().post("/api/v1/leases/" + lease.leaseId() + "/logs",
                new LogChunk(0, List.of("forged"))).status()).isEqualTo(403);
        assertThat(intruder.api().post("/api/v1/workers/" + owner.id() + "/claim?wait=PT0S", null).status())
                .isEqualTo(403);
        assertThat(owner.heartbeat(lease.leaseId()).status()).isEqualTo(200);
    }

    @Test
    void completionWithNextAnswersTheWorkersNextLease() {
        Worker worker = aWorker("tcg");
        UUID first = submit(builder("alpha"), aBuildRequest().build());
        UUID second = submit(builder("alpha"), aBuildRequest().build());
        Lease lease = worker.claim();

        Api.Response reply = worker.completeAndClaimNext(lease.leaseId(), aFailure("INSTALL_FAILED", false), "PT0S");

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().get("status").asString()).isEqualTo("FAILED");
        Lease next = Api.JSON.treeToValue(reply.json().get("next"), Lease.class);
        assertThat(lease.build().buildId()).isEqualTo(first);
        assertThat(next.build().buildId()).isEqualTo(second);
        assertThat(next.leaseId()).isNotEqualTo(lease.leaseId());
        assertThat(status(first)).isEqualTo("FAILED");
        assertThat(status(second)).isEqualTo("RUNNING");
        assertThat(worker.heartbeat(next.leaseId()).status()).isEqualTo(200);
    }

    @Test
    void completionWithNextAnswersNoLeaseWhenNothingFits() {
        Worker worker = aWorker("tcg");
        UUID id = submit(builder("alpha"), aBuildRequest().build());
        submit(builder("alpha"), aBuildRequest().withAccel("kvm").build());
        Lease lease = worker.claim();

        Api.Response reply = worker.completeAndClaimNext(lease.leaseId(), aFailure("INSTALL_FAILED", false), "PT0.2S");

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().get("next").isNull()).isTrue();
        assertThat(status(id)).isEqualTo("FAILED");
    }

    @Test
    void completionWithAMalformedNextIsRefusedBeforeTheBuildEnds() {
        Worker worker = aWorker("tcg");
        UUID id = submit(builder("alpha"), aBuildRequest().build());
        Lease lease = worker.claim();

        Api.Response reply = worker.completeAndClaimNext(lease.leaseId(), aFailure("INSTALL_FAILED", false), "soon");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("errors").get(0).get("field").asString()).isEqualTo("next");
        assertThat(status(id)).isEqualTo("RUNNING");
    }

    @Test
    void refusedCompletionWithNextClaimsNothing() {
        Worker worker = aWorker("tcg");
        submit(builder("alpha"), aBuildRequest().build());
        UUID second = submit(builder("alpha"), aBuildRequest().build());
        Lease lease = worker.claim();

        Api.Response reply = worker.completeAndClaimNext(lease.leaseId(), aSuccess(), "PT0S");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(status(lease.build().buildId())).isEqualTo("RUNNING");
        assertThat(status(second)).isEqualTo("QUEUED");
    }

    @Test
    void completionWithNextWaitsForABuildQueuedAfterIt() throws Exception {
        Worker worker = aWorker("tcg");
        submit(builder("alpha"), aBuildRequest().build());
        Lease lease = worker.claim();
        var reply = CompletableFuture.supplyAsync(() ->
                worker.completeAndClaimNext(lease.leaseId(), aFailure("INSTALL_FAILED", false), "PT5S"));
        await().atMost(Duration.ofSeconds(5)).until(() -> status(lease.build().buildId()).equals("FAILED"));

        UUID later = submit(builder("alpha"), aBuildRequest().build());

        Api.Response answered = reply.get(10, TimeUnit.SECONDS);
        assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
        assertThat(answered.json().get("next").get("build").get("buildId").asString()).isEqualTo(later.toString());
    }

    @Test
    void endedLeaseIsAConflict() {
        Worker worker = aWorker("tcg");
        submit(builder("alpha"), aBuildRequest().build());
        Lease lease = worker.claim();
        worker.complete(lease.leaseId(), aFailure("INSTALL_FAILED", false));

        Api.Response heartbeat = worker.heartbeat(lease.leaseId());

        assertThat(heartbeat.status()).isEqualTo(409);
        assertThat(heartbeat.isProblem()).isTrue();
        assertThat(worker.heartbeat(UUID.randomUUID()).status()).isEqualTo(409);
    }

    @Test
    void retryableFailureRequeuesUntilAttemptsRunOut() {
        Worker worker = aWorker("tcg");
        UUID id = submit(builder("alpha"), aBuildRequest().build());

        for (int attempt = 1; attempt <= 3; attempt++) {
            Lease lease = worker.claim();
            assertThat(lease.build().attempt()).isEqualTo(attempt);
            String after = worker.complete(lease.leaseId(), aFailure("UPLOAD_FAILED", true)).json().get("status").asString();
            assertThat(after).isEqualTo(attempt < 3 ? "QUEUED" : "FAILED");
        }
        JsonNode failure = admin().get("/api/v1/builds/" + id).json().get("failure");
        assertThat(failure.get("code").asString()).isEqualTo("UPLOAD_FAILED");
    }

    @Test
    void claimMatchesAccelArchAndWorkerLabels() {
        Worker tcg = aWorker("tcg");
        Worker kvmWithGpu = aWorker("kvm", "gpu");
        UUID needsKvm = submit(builder("alpha"), aBuildRequest().withAccel("kvm").build());
        UUID needsGpu = submit(builder("alpha"), aBuildRequest().withWorkerLabels("gpu").build());

        assertThat(tcg.claimResponse("PT0.2S").status()).isEqualTo(204);
        UUID first = kvmWithGpu.claim().build().buildId();
        assertThat(List.of(needsKvm, needsGpu)).contains(first);
    }

    @Test
    void higherPriorityIsClaimedFirstThenOlder() {
        Worker worker = aWorker("tcg");
        UUID older = submit(builder("alpha"), aBuildRequest().withPriority(50).build());
        UUID newer = submit(builder("alpha"), aBuildRequest().withPriority(50).build());
        UUID urgent = submit(builder("alpha"), aBuildRequest().withPriority(90).build());

        assertThat(List.of(worker.claim().build().buildId(), worker.claim().build().buildId(),
                worker.claim().build().buildId())).containsExactly(urgent, older, newer);
    }

    @Test
    void reRegisteringWithTheSameTokenKeepsTheWorkerIdentity() {
        Worker worker = aWorker("tcg");

        Api.Response again = worker.api().post("/api/v1/workers", Map.of("name", "renamed", "arch", "x86_64",
                "accel", "tcg", "slots", 2, "labels", List.of()));

        assertThat(again.json().get("workerId").asString()).isEqualTo(worker.id().toString());
    }
}
