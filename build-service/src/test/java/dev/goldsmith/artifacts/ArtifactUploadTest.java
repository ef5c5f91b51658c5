package dev.goldsmith.artifacts;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.Completions.aFailure;
import static dev.goldsmith.support.Completions.aSuccess;
import static dev.goldsmith.support.Completions.aSuccessListing;
import static dev.goldsmith.support.ImageFiles.aTinyImage;
import static dev.goldsmith.support.ImageFiles.anImageOfSize;
import static dev.goldsmith.support.ImageFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.ArtifactUploadRequest;
import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.Lease;
import dev.goldsmith.api.UploadedPart;
import dev.goldsmith.queue.LeaseSweeper;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.PresignedUploads;
import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The STORE stage against the real embedded S3Proxy: presigned multipart uploads, verified before they count. */
class ArtifactUploadTest extends ServiceTest {

    private static final int MIB = 1024 * 1024;

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

    private Lease aClaimedBuild(Worker worker, String... formats) {
        submit(builder("alpha"), aBuildRequest().withFormats(formats).build());
        return worker.claim();
    }

    private static String keyOf(Lease lease, String format) {
        String name = lease.build().imageName();
        return "images/" + name + "/" + name + "." + format;
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return in.readAllBytes();
        }
    }

    @Test
    void fileUploadedInPartsThroughPresignedUrlsIsStoredVerifiedAndGetsAChecksumFile() throws IOException {
        Worker worker = aWorker("tcg");
        Lease lease = aClaimedBuild(worker, "qcow2");
        byte[] image = anImageOfSize(5 * MIB + 123_457);

        StartedUpload started = worker.startAndPut(lease, "qcow2", image);
        Api.Response done = worker.completeUpload(lease.leaseId(), "qcow2", new ArtifactUploadComplete(
                started.upload().uploadId(), sha256(image), image.length, started.parts()));

        ArtifactUpload upload = started.upload();
        assertThat(upload.objectKey()).isEqualTo(keyOf(lease, "qcow2"));
        assertThat(upload.partSize()).isEqualTo(5 * MIB);
        assertThat(upload.parts()).hasSize(2);
        assertThat(upload.parts().getFirst().url()).startsWith("http://127.0.0.1:");
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        String fileName = lease.build().imageName() + ".qcow2";
        assertThat(done.as(ArtifactView.class))
                .isEqualTo(new ArtifactView("qcow2", fileName, sha256(image), image.length));
        assertThat(store.size(upload.objectKey())).hasValue(image.length);
        assertThat(sha256(read(upload.objectKey()))).isEqualTo(sha256(image));
        assertThat(new String(read(upload.objectKey() + ".sha256"), StandardCharsets.UTF_8))
                .isEqualTo(sha256(image) + "  " + fileName + "\n");
        assertThat(jdbc.sql("select object_key from build_artifacts where build_id = ?")
                .param(lease.build().buildId()).query(String.class).single()).isEqualTo(upload.objectKey());
    }

    @Test
    void wrongSha256IsRefusedAndTheObjectDeleted() {
        Worker worker = aWorker("tcg");
        Lease lease = aClaimedBuild(worker, "qcow2");
        byte[] image = aTinyImage("disk.qcow2");
        StartedUpload started = worker.startAndPut(lease, "qcow2", image);

        Api.Response refused = worker.completeUpload(lease.leaseId(), "qcow2", new ArtifactUploadComplete(
                started.upload().uploadId(), "0".repeat(64), image.length, started.parts()));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.json().get("type").asString()).isEqualTo("https://goldsmith.dev/problems/artifact-mismatch");
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("sha256");
        assertThat(refused.json().get("retryable").asBoolean()).isTrue();
        assertThat(store.size(started.upload().objectKey())).isEmpty();
        assertThat(worker.complete(lease.leaseId(), aSuccess()).status()).isEqualTo(422);
        assertThat(status(lease.build().buildId())).isEqualTo("RUNNING");
    }

    @Test
    void fileThatLandedShortIsRefusedAsWrongSize() {
        Worker worker = aWorker("tcg");
        Lease lease = aClaimedBuild(worker, "qcow2");
        byte[] image = aTinyImage("disk.qcow2");
        byte[] truncated = Arrays.copyOf(image, image.length / 2);
        String fileName = lease.build().imageName() + ".qcow2";
        ArtifactUpload upload = worker.startUpload(lease.leaseId(),
                new ArtifactUploadRequest("qcow2", fileName, image.length)).as(ArtifactUpload.class);
        List<UploadedPart> parts = PresignedUploads.put(upload, truncated);

        Api.Response refused = worker.completeUpload(lease.leaseId(), "qcow2",
                new ArtifactUploadComplete(upload.uploadId(), sha256(image), image.length, parts));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("size");
        assertThat(refused.json().get("retryable").asBoolean()).isTrue();
        assertThat(store.size(upload.objectKey())).isEmpty();
    }

    @Test
    void completingTheSameUploadAgainAnswersTheSameArtifact() {
        Worker worker = aWorker("tcg");
        Lease lease = aClaimedBuild(worker, "qcow2");
        byte[] image = aTinyImage("disk.qcow2");
        StartedUpload started = worker.startAndPut(lease, "qcow2", image);
        ArtifactUploadComplete report = new ArtifactUploadComplete(started.upload().uploadId(), sha256(image), image.length,
                started.parts());

        Api.Response first = worker.completeUpload(lease.leaseId(), "qcow2", report);
        Api.Response again = worker.completeUpload(lease.leaseId(), "qcow2", report);

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.as(ArtifactView.class)).isEqualTo(first.as(ArtifactView.class));
    }

    @Test
    void anotherWorkersLeaseIsForbidden() {
        Worker owner = aWorker("tcg");
        Worker intruder = aWorker("tcg");
        Lease lease = aClaimedBuild(owner, "qcow2");
        String fileName = lease.build().imageName() + ".qcow2";

        Api.Response start = intruder.startUpload(lease.leaseId(), new ArtifactUploadRequest("qcow2", fileName, 10));
        Api.Response complete = intruder.completeUpload(lease.leaseId(), "qcow2",
                new ArtifactUploadComplete("forged", "0".repeat(64), 10, List.of()));

        assertThat(start.status()).isEqualTo(403);
        assertThat(start.isProblem()).isTrue();
        assertThat(complete.status()).isEqualTo(403);
        assertThat(jdbc.sql("select count(*) from artifact_uploads where build_id = ?")
                .param(lease.build().buildId()).query(Long.class).single()).isZero();
    }

    @Test
    void uploadRequestMustMatchTheBuild() {
        Worker worker = aWorker("tcg");
        Lease lease = aClaimedBuild(worker, "qcow2");
        String name = lease.build().imageName();

        assertThat(fieldRefused(worker, lease, new ArtifactUploadRequest("vmdk", name + ".vmdk", 10))).isEqualTo("format");
        assertThat(fieldRefused(worker, lease, new ArtifactUploadRequest("qcow2", "other.qcow2", 10))).isEqualTo("fileName");
        assertThat(fieldRefused(worker, lease, new ArtifactUploadRequest("qcow2", name + ".qcow2", 0))).isEqualTo("size");
        assertThat(fieldRefused(worker, lease, new ArtifactUploadRequest("qcow2", name + ".qcow2",
                64L * 1024 * MIB + 1))).isEqualTo("size");
        assertThat(worker.completeUpload(lease.leaseId(), "vmdk", new ArtifactUploadComplete("x", "0".repeat(64), 10,
                List.of())).json().get("errors").get(0).get("field").asString()).isEqualTo("format");
    }

    private static String fieldRefused(Worker worker, Lease lease, ArtifactUploadRequest request) {
        Api.Response response = worker.startUpload(lease.leaseId(), request);
        assertThat(response.status()).as(response.toString()).isEqualTo(422);
        return response.json().get("errors").get(0).get("field").asString();
    }

    @Test
    void buildSucceedsOnlyOnceEveryRequestedFormatIsStored() {
        Worker worker = aWorker("tcg");
        Lease lease = aClaimedBuild(worker, "qcow2", "raw");
        ArtifactView qcow2 = worker.upload(lease, "qcow2", aTinyImage("disk.qcow2"));

        Api.Response early = worker.complete(lease.leaseId(), aSuccess());
        ArtifactView raw = worker.upload(lease, "raw", aTinyImage("disk.raw"));
        ArtifactView forged = new ArtifactView("raw", raw.fileName(), "f".repeat(64), raw.size());
        Api.Response listingAForgedDigest = worker.complete(lease.leaseId(), aSuccessListing(List.of(qcow2, forged)));
        Api.Response done = worker.complete(lease.leaseId(), aSuccessListing(List.of(qcow2, raw)));

        assertThat(early.status()).isEqualTo(422);
        assertThat(early.json().get("errors").get(0).get("field").asString()).isEqualTo("artifacts");
        assertThat(listingAForgedDigest.status()).isEqualTo(422);
        assertThat(listingAForgedDigest.json().get("errors").get(0).get("field").asString())
                .isEqualTo("artifacts[1].sha256");
        assertThat(done.json().get("status").asString()).isEqualTo("SUCCEEDED");
        JsonNode build = admin().get("/api/v1/builds/" + lease.build().buildId()).json();
        assertThat(build.get("artifacts")).hasSize(2);
        assertThat(build.get("artifacts").get(0).get("sha256").asString()).isEqualTo(qcow2.sha256());
    }

    @Test
    void artifactsStoredByAnEarlierAttemptDoNotCount() {
        Worker lost = aWorker("tcg");
        Worker rescuer = aWorker("tcg");
        Lease first = aClaimedBuild(lost, "qcow2");
        lost.upload(first, "qcow2", aTinyImage("disk.qcow2"));
        jdbc.sql("update builds set lease_expires_at = now() - interval '1 second' where id = ?")
                .param(first.build().buildId()).update();
        leaseSweeper.sweep();
        Lease second = rescuer.claim();

        Api.Response response = rescuer.complete(second.leaseId(), aSuccess());

        assertThat(second.build().attempt()).isEqualTo(2);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("artifacts");
    }

    @Test
    void uploadLeftOpenByAnEndedBuildIsAborted() {
        Worker worker = aWorker("tcg");
        Lease lease = aClaimedBuild(worker, "qcow2");
        UUID build = lease.build().buildId();
        worker.startAndPut(lease, "qcow2", aTinyImage("disk.qcow2"));
        worker.complete(lease.leaseId(), aFailure("TEST_FAILED", false));

        assertThat(jdbc.sql("select count(*) from artifact_uploads where build_id = ?").param(build)
                .query(Long.class).single()).isOne();

        uploadSweeper.sweep();

        assertThat(jdbc.sql("select count(*) from artifact_uploads where build_id = ?").param(build)
                .query(Long.class).single()).isZero();
    }
}
