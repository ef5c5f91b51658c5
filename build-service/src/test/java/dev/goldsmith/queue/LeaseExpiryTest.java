package dev.goldsmith.queue;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.Lease;
import dev.goldsmith.support.ServiceTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class LeaseExpiryTest extends ServiceTest {

    @Autowired
    LeaseSweeper sweeper;

    @BeforeEach
    void clean() {
        emptyQueue();
    }

    /** The worker went quiet: its lease is past due as if its heartbeats had stopped. */
    private void expireLeaseOf(UUID build) {
        jdbc.sql("update builds set lease_expires_at = now() - interval '1 second' where id = ?").param(build).update();
    }

    @Test
    void expiredLeaseIsRequeuedAndAnotherWorkerFinishesTheBuild() {
        Worker lost = aWorker("tcg");
        Worker rescuer = aWorker("tcg");
        UUID id = submit(builder("alpha"), aBuildRequest().build());
        Lease first = lost.claim();
        expireLeaseOf(id);

        assertThat(sweeper.sweep()).isEqualTo(1);
        assertThat(status(id)).isEqualTo("QUEUED");
        assertThat(lost.heartbeat(first.leaseId()).status()).isEqualTo(409);

        Lease second = rescuer.claim();
        assertThat(second.build().buildId()).isEqualTo(id);
        assertThat(second.build().attempt()).isEqualTo(2);
        assertThat(second.build().answers()).containsKey("KLDLOAD_PASSWORD");
        rescuer.uploadAndSucceed(second);
        JsonNode build = admin().get("/api/v1/builds/" + id).json();
        assertThat(build.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(build.get("workerId").asString()).isEqualTo(rescuer.id().toString());
        assertThat(build.get("failure").isNull()).isTrue();
    }

    @Test
    void buildFailsAsWorkerLostWhenAttemptsRunOut() {
        Worker worker = aWorker("tcg");
        UUID id = submit(builder("alpha"), aBuildRequest().build());
        for (int attempt = 1; attempt <= 3; attempt++) {
            worker.claim();
            expireLeaseOf(id);
            sweeper.sweep();
        }

        JsonNode build = admin().get("/api/v1/builds/" + id).json();
        assertThat(build.get("status").asString()).isEqualTo("FAILED");
        assertThat(build.get("failure").get("code").asString()).isEqualTo("WORKER_LOST");
        assertThat(build.get("attempt").asInt()).isEqualTo(3);
        assertThat(jdbc.sql("select count(*) from build_secrets where build_id = ?").param(id).query(Long.class).single())
                .isZero();
    }

    @Test
    void buildCancelledWhileItsWorkerIsGoneEndsCancelledNotRequeued() {
        Worker worker = aWorker("tcg");
        UUID id = submit(builder("alpha"), aBuildRequest().build());
        worker.claim();
        admin().post("/api/v1/builds/" + id + "/cancel", null);
        expireLeaseOf(id);

        sweeper.sweep();

        assertThat(status(id)).isEqualTo("CANCELLED");
    }
}
