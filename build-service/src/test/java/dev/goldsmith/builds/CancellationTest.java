package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.Completions.aCancellation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CancellationTest extends ServiceTest {

    @BeforeEach
    void clean() {
        emptyQueue();
    }

    @Test
    void queuedBuildEndsCancelledAtOnceAndIsNeverClaimed() {
        Api team = builder("alpha");
        UUID id = submit(team, aBuildRequest().build());

        Api.Response response = team.post("/api/v1/builds/" + id + "/cancel", null);

        assertThat(response.json().get("status").asString()).isEqualTo("CANCELLED");
        assertThat(aWorker("tcg").claimResponse("PT0.2S").status()).isEqualTo(204);
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'build.cancel' and target = ?")
                .param("build:" + id).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void runningBuildIsFlaggedAndItsWorkerLearnsOnTheNextHeartbeat() {
        Api team = builder("alpha");
        Worker worker = aWorker("tcg");
        UUID id = submit(team, aBuildRequest().build());
        Lease lease = worker.claim();

        Api.Response response = team.post("/api/v1/builds/" + id + "/cancel", null);

        assertThat(response.json().get("status").asString()).isEqualTo("RUNNING");
        assertThat(response.json().get("cancelRequested").asBoolean()).isTrue();
        assertThat(worker.heartbeat(lease.leaseId()).json().get("cancel").asBoolean()).isTrue();
        assertThat(worker.complete(lease.leaseId(), aCancellation()).json().get("status").asString())
                .isEqualTo("CANCELLED");
        assertThat(status(id)).isEqualTo("CANCELLED");
    }

    @Test
    void aCancellationTooLateToStopTheBuildLeavesItSucceededButPromotesNothing() {
        Api team = builder("late-" + UUID.randomUUID().toString().substring(0, 8));
        Worker worker = aWorker("tcg");
        UUID id = submit(team, aBuildRequest().withChannel("production").build());
        Lease lease = worker.claim();
        for (String format : lease.build().formats()) {
            worker.upload(lease, format, dev.goldsmith.support.ImageFiles.aTinyImage("late cancel"));
        }

        team.post("/api/v1/builds/" + id + "/cancel", null);
        Api.Response done = worker.complete(lease.leaseId(), dev.goldsmith.support.Completions.aSuccess());

        assertThat(done.json().get("status").asString()).isEqualTo("SUCCEEDED");
        var build = team.get("/api/v1/builds/" + id).json();
        assertThat(build.get("cancelRequested").asBoolean()).isTrue();
        assertThat(team.get("/api/v1/images/" + lease.build().imageName()).status()).isEqualTo(200);
        assertThat(team.get("/api/v1/registry/debian/server/production").status())
                .as("the channel the cancelled request named").isEqualTo(404);
    }

    @Test
    void workerCannotReportCancelledUnlessAsked() {
        Worker worker = aWorker("tcg");
        submit(builder("alpha"), aBuildRequest().build());
        Lease lease = worker.claim();

        assertThat(worker.complete(lease.leaseId(), aCancellation()).status()).isEqualTo(409);
    }

    @Test
    void cancellingAnotherTeamsBuildIsNotFound() {
        UUID id = submit(builder("alpha"), aBuildRequest().build());

        assertThat(builder("beta").post("/api/v1/builds/" + id + "/cancel", null).status()).isEqualTo(404);
        assertThat(status(id)).isEqualTo("QUEUED");
    }

    @Test
    void cancellingAFinishedBuildIsAConflict() {
        Api team = builder("alpha");
        UUID id = submit(team, aBuildRequest().build());
        team.post("/api/v1/builds/" + id + "/cancel", null);
        assertThat(team.post("/api/v1/builds/" + id + "/cancel", null).status()).isEqualTo(200);

        jdbc.sql("update builds set status = 'FAILED' where id = ?").param(id).update();
        assertThat(team.post("/api/v1/builds/" + id + "/cancel", null).status()).isEqualTo(409);
    }
}
