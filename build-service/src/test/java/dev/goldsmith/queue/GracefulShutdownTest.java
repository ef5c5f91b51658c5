package dev.goldsmith.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.Instances;
import dev.goldsmith.support.ServiceTest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Stopping a replica answers its waiting long-polls (204) instead of cutting them, and then it goes down. */
class GracefulShutdownTest extends ServiceTest {


    @Test
    void shutdownReleasesWaitingClaimsWithNoContent() throws Exception {
        emptyQueue();
        ConfigurableApplicationContext replica = Instances.start(sameDatabase("goldsmith.admin-token=" + ADMIN_TOKEN, "goldsmith.queue.claim-wait=60s",
                "goldsmith.data-dir=" + Files.createTempDirectory("goldsmith-shutdown-")));
        Worker worker = aWorker("tcg");
        Api onReplica = worker.api().onPort(Instances.port(replica));
        CompletableFuture<Api.Response> claim = CompletableFuture.supplyAsync(
                () -> onReplica.post("/api/v1/workers/" + worker.id() + "/claim?wait=PT60S", null));
        // The long-poll is waiting on the replica (nothing is queued).
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !claim.isDone());

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(replica::close);

        // Released long before its 60 s wait would have ended, with a proper answer rather than a reset.
        Api.Response released = claim.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(released.status()).isEqualTo(204);
        stopping.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(replica.isActive()).isFalse();
    }
}
