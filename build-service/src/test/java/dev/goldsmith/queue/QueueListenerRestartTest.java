package dev.goldsmith.queue;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A context stopped and started again (a lifecycle restart; Spring's test support pauses idle contexts this
 * way) still long-polls: claims wait for work instead of answering at once as after a shutdown.
 */
class QueueListenerRestartTest extends ServiceTest {

    @Autowired
    QueueListener listener;

    @Test
    void aRestartedListenerLetsClaimsWaitAndWakesThemAgain() throws Exception {
        emptyQueue();
        listener.stop();
        listener.start();
        Worker worker = aWorker("tcg");

        var claim = CompletableFuture.supplyAsync(() -> worker.claimResponse("PT5S"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !claim.isDone());
        UUID id = submit(builder("restart"), aBuildRequest().build());

        Api.Response response = claim.get();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.as(Lease.class).build().buildId()).isEqualTo(id);
    }
}
