package dev.goldsmith.artifacts;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.ImageFiles.aTinyImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.ArtifactUploadRequest;
import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Completions;
import dev.goldsmith.support.Instances;
import dev.goldsmith.support.ServiceTest;
import dev.goldsmith.testing.StallingProxy;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A storage node that hangs costs a bounded wait and a 503 the worker retries, readiness says DOWN, a download
 * redirect does not wait on the store at all, and uploads work again by themselves once the store answers.
 */
class ObjectStoreDeadlineTest extends ServiceTest {

    /** The test's call deadline (3 s) and some slack. */
    private static final long BOUND_SECONDS = 15;

    @Autowired
    EmbeddedObjectStore s3;

    @Test
    void whileTheStoreHangsUploadsAnswer503InBoundedTimeDownloadsStillRedirectAndAllRecovers() throws Exception {
        emptyQueue();
        try (StallingProxy proxy = StallingProxy.to("127.0.0.1", URI.create(s3.endpoint()).getPort());
                ConfigurableApplicationContext hung = Instances.start(sameDatabase(
                        "goldsmith.admin-token=" + ADMIN_TOKEN,
                        "goldsmith.data-dir=" + Files.createTempDirectory("goldsmith-hung-s3-"),
                        "goldsmith.s3.endpoint=http://127.0.0.1:" + proxy.port(),
                        "goldsmith.s3.access-key=" + s3.accessKey(), "goldsmith.s3.secret-key=" + s3.secretKey(),
                        "goldsmith.s3.bucket=hung-images", "goldsmith.s3.timeouts.call=3s",
                        "goldsmith.s3.timeouts.read=3s", "goldsmith.s3.timeouts.write=3s",
                        "goldsmith.s3.timeouts.connect=2s", "goldsmith.s3.timeouts.complete=5s"))) {
            int port = Instances.port(hung);
            Api team = builder("hung-store").onPort(port);
            Worker registered = aWorker("tcg");
            Worker worker = new Worker(registered.api().onPort(port), registered.id());
            submit(team, aBuildRequest().build());
            Lease first = worker.claim();
            worker.uploadAndSucceed(first);
            String image = first.build().imageName();
            submit(team, aBuildRequest().build());
            Lease second = worker.claim();

            proxy.stall();
            CompletableFuture<Api.Response> start = CompletableFuture.supplyAsync(() -> worker.startUpload(
                    second.leaseId(), new ArtifactUploadRequest("qcow2", second.build().imageName() + ".qcow2", 10)));
            CompletableFuture<Api.Response> ready = CompletableFuture.supplyAsync(
                    () -> anonymous().onPort(port).get("/actuator/health/readiness"));
            Api.Response download = team.get("/api/v1/images/" + image + "/artifacts/qcow2");

            assertThat(download.status()).as("a redirect is signed locally: " + download).isEqualTo(302);
            Api.Response refused = start.get(BOUND_SECONDS, TimeUnit.SECONDS);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.isProblem()).isTrue();
            assertThat(refused.json().get("retryable").asBoolean()).isTrue();
            assertThat(ready.get(BOUND_SECONDS, TimeUnit.SECONDS).status()).isEqualTo(503);

            proxy.resume();

            await("the store answers again").atMost(Duration.ofSeconds(30))
                    .until(() -> anonymous().onPort(port).get("/actuator/health/readiness").status() == 200);
            for (String format : second.build().formats()) {
                worker.upload(second, format, aTinyImage(second.build().imageName() + "." + format));
            }
            assertThat(worker.complete(second.leaseId(), Completions.aSuccess()).status()).isEqualTo(200);
            assertThat(jdbc.sql("select count(*) from build_artifacts where build_id = ?")
                    .param(second.build().buildId()).query(Long.class).single())
                    .isEqualTo(second.build().formats().size());
        }
    }
}
