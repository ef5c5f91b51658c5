package dev.goldsmith.artifacts;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.Completions.aFailure;
import static dev.goldsmith.support.ImageFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.Lease;
import dev.goldsmith.queue.LeaseSweeper;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * One build's objects are never touched by another: not by a later build of the same name, not by a dead
 * attempt of the same build whose verification finishes after the next attempt stored its file, and the store's
 * uploads that no lease ever recorded are aborted.
 */
@Import(StaleAttemptTest.PausingVerification.class)
class StaleAttemptTest extends ServiceTest {

    /** Verification that can be held at its start, as a slow read-back of a large image is, for one call. */
    static final class PausableUploads extends VerifiedUploads {

        final AtomicReference<CountDownLatch> holdNext = new AtomicReference<>();
        final CountDownLatch held = new CountDownLatch(1);

        PausableUploads(ObjectStore store, MeterRegistry meters) {
            super(store, meters);
        }

        @Override
        public Optional<Mismatch> check(String key, long size, String sha256) {
            CountDownLatch release = holdNext.getAndSet(null);
            if (release != null) {
                held.countDown();
                try {
                    release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.check(key, size, sha256);
        }
    }

    @TestConfiguration
    static class PausingVerification {
        @Bean
        @Primary
        PausableUploads pausableUploads(ObjectStore store, MeterRegistry meters) {
            return new PausableUploads(store, meters);
        }
    }

    /** This class runs a context of its own (its own beans), which needs a database of its own. */
    private static final java.nio.file.Path OWN_DATA_DIR = aDataDir();

    @org.springframework.test.context.DynamicPropertySource
    static void ownDataDir(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("goldsmith.test.own-data-dir", OWN_DATA_DIR::toString);
    }

    @Override
    protected java.nio.file.Path dataDir() {
        return OWN_DATA_DIR;
    }

    @Autowired
    PausableUploads uploads;

    @Autowired
    ObjectStore store;

    @Autowired
    LeaseSweeper leaseSweeper;

    @Autowired
    AbandonedUploadSweeper uploadSweeper;

    @BeforeEach
    void clean() {
        emptyQueue();
    }

    private String bucketText(String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aDeadAttemptsLateVerificationNeverTouchesTheNextAttemptsFile() throws Exception {
        var id = submit(builder("stale"), aBuildRequest().withFormats("qcow2").build());
        Worker first = aWorker("tcg");
        Lease dead = first.claim();
        String key = "images/" + dead.build().imageName() + "/" + dead.build().imageName() + ".qcow2";
        byte[] firstBytes = ImageFiles.aTinyImage("first attempt");
        StartedUpload started = first.startAndPut(dead, "qcow2", firstBytes);

        // The first attempt's completion gets as far as reading the object back, then stalls there.
        CountDownLatch release = new CountDownLatch(1);
        uploads.holdNext.set(release);
        CompletableFuture<Api.Response> late = CompletableFuture.supplyAsync(() -> first.completeUpload(
                dead.leaseId(), "qcow2", new ArtifactUploadComplete(started.upload().uploadId(), sha256(firstBytes),
                        firstBytes.length, started.parts())));
        assertThat(uploads.held.await(30, TimeUnit.SECONDS)).isTrue();

        // Meanwhile its lease runs out and the next attempt stores other bytes under the same key.
        jdbc.sql("update builds set lease_expires_at = now() - interval '1 second' where id = ?").param(id).update();
        leaseSweeper.sweep();
        Worker second = aWorker("tcg");
        Lease live = second.claim();
        assertThat(live.build().buildId()).isEqualTo(id);
        assertThat(live.build().attempt()).isEqualTo(2);
        byte[] secondBytes = ImageFiles.aTinyImage("second attempt, other bytes");
        second.upload(live, "qcow2", secondBytes);

        release.countDown();
        Api.Response stale = late.get(1, TimeUnit.MINUTES);

        // The dead attempt's read-back saw the second attempt's bytes, which it did not report: it is refused as
        // a lost lease, and deletes nothing.
        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(bucketText(key)).isEqualTo(new String(secondBytes, StandardCharsets.ISO_8859_1));
        assertThat(bucketText(key + ".sha256")).startsWith(sha256(secondBytes) + "  ");
        assertThat(jdbc.sql("select attempt || ' ' || sha256 from build_artifacts where build_id = ?").param(id)
                .query(String.class).single()).isEqualTo("2 " + sha256(secondBytes));
        assertThat(second.complete(live.leaseId(), dev.goldsmith.support.Completions.aSuccess()).status())
                .isEqualTo(200);
    }

    @Test
    void aFailedBuildsNameIsNeverGivenToAnotherBuildWhoseFilesWouldReplaceItsOwn() {
        Api team = builder("stale");
        var request = aBuildRequest().withFormats("qcow2");
        var failed = submit(team, request.build());
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        worker.upload(lease, "qcow2", ImageFiles.aTinyImage("failed build"));
        assertThat(worker.complete(lease.leaseId(), aFailure("TEST_FAILED", false)).status()).isEqualTo(200);
        assertThat(status(failed)).isEqualTo("FAILED");

        var again = submit(team, request.forced().build());
        String againName = admin().get("/api/v1/builds/" + again).json().get("imageName").asString();

        assertThat(againName).isNotEqualTo(lease.build().imageName()).endsWith("-2");
        assertThat(store.size("images/" + lease.build().imageName() + "/" + lease.build().imageName() + ".qcow2"))
                .as("the failed build's file").isPresent();
    }

    @Test
    void anUploadTheStoreHoldsThatNoLeaseRecordedIsAbortedAndARecordedOneIsKept() {
        submit(builder("stale"), aBuildRequest().withFormats("qcow2").build());
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        StartedUpload recorded = worker.startAndPut(lease, "qcow2", ImageFiles.aTinyImage("recorded upload"));
        // What a request that died between starting an upload and writing its row leaves behind.
        String orphanKey = "images/" + lease.build().imageName() + "-orphan/x.qcow2";
        String orphan = store.startMultipart(orphanKey);

        int aborted = uploadSweeper.sweepUnrecorded(Instant.now().plus(Duration.ofMinutes(1)));

        assertThat(aborted).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.multipartUploads("images/").stream()
                .noneMatch(u -> u.uploadId().equals(orphan)));
        assertThat(store.multipartUploads("images/")).anyMatch(u -> u.uploadId().equals(recorded.upload().uploadId()));
    }
}
