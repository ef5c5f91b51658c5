package dev.goldsmith.artifacts;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.ArtifactUploadRequest;
import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.PartUrl;
import dev.goldsmith.api.UploadedPart;
import dev.goldsmith.artifacts.persistence.ArtifactRecords;
import dev.goldsmith.artifacts.persistence.ArtifactRecords.BuildTarget;
import dev.goldsmith.artifacts.persistence.ArtifactRecords.PendingUpload;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.FieldViolation;
import dev.goldsmith.queue.LeaseContext;
import dev.goldsmith.queue.Leases;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The STORE stage as the control plane sees it. A worker asks to upload one image file and gets presigned part
 * URLs of a multipart upload; when it says the parts are in, the control plane assembles them and checks what
 * landed (size, then SHA-256 of the bytes read back) before it records the artifact. Anything else is deleted
 * and refused, so a build can only succeed with files the control plane has verified itself.
 */
@Service
public class ArtifactUploads {

    private static final Logger log = LoggerFactory.getLogger(ArtifactUploads.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_UPLOAD_ID = 1024;

    private final Leases leases;
    private final ArtifactRecords records;
    private final ObjectStore store;
    private final TransactionTemplate transactions;
    private final long partSize;
    private final long maxSize;
    private final Counter bytesStored;
    private final MeterRegistry meters;

    ArtifactUploads(Leases leases, ArtifactRecords records, ObjectStore store, TransactionTemplate transactions,
            GoldsmithProperties properties, MeterRegistry meters) {
        this.leases = leases;
        this.records = records;
        this.store = store;
        this.transactions = transactions;
        this.partSize = properties.artifacts().partSize().toBytes();
        this.maxSize = properties.artifacts().maxSize().toBytes();
        this.meters = meters;
        this.bytesStored = Counter.builder("goldsmith.artifacts.bytes")
                .description("Bytes of image files stored and verified")
                .baseUnit("bytes")
                .register(meters);
    }

    public ArtifactUpload start(UUID leaseId, UUID worker, ArtifactUploadRequest request) {
        LeaseContext lease = leases.require(leaseId, worker);
        BuildTarget target = records.target(lease.buildId());
        List<FieldViolation> errors = new ArrayList<>();
        if (request.format() == null || !target.formats().contains(request.format())) {
            errors.add(new FieldViolation("format", "must be a format this build requested: " + target.formats()));
        } else if (!ObjectKeys.fileName(target.imageName(), request.format()).equals(request.fileName())) {
            errors.add(new FieldViolation("fileName",
                    "must be " + ObjectKeys.fileName(target.imageName(), request.format())));
        }
        if (request.size() <= 0 || request.size() > maxSize) {
            errors.add(new FieldViolation("size", "must be between 1 and " + maxSize + " bytes"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        UploadPlan plan = UploadPlan.of(request.size(), partSize);
        String key = ObjectKeys.image(target.imageName(), request.format());
        String uploadId = available(() -> store.startMultipart(key));
        PendingUpload upload = new PendingUpload(lease.buildId(), request.format(), lease.attempt(), uploadId, key,
                request.size(), plan.partSize());
        Optional<PendingUpload> replaced = transactions.execute(status -> {
            Optional<PendingUpload> previous = records.pending(lease.buildId(), request.format());
            records.savePending(upload);
            return previous;
        });
        replaced.ifPresent(previous -> store.abortMultipartQuietly(previous.objectKey(), previous.uploadId()));
        List<PartUrl> parts = available(() -> IntStream.rangeClosed(1, plan.parts())
                .mapToObj(n -> new PartUrl(n, store.presignPart(key, uploadId, n)))
                .toList());
        return new ArtifactUpload(uploadId, key, plan.partSize(), parts);
    }

    public ArtifactView complete(UUID leaseId, UUID worker, String format, ArtifactUploadComplete report) {
        LeaseContext lease = leases.require(leaseId, worker);
        BuildTarget target = records.target(lease.buildId());
        if (!target.formats().contains(format)) {
            throw ApiException.invalid("format", "must be a format this build requested: " + target.formats());
        }
        validate(report);
        String fileName = ObjectKeys.fileName(target.imageName(), format);
        ArtifactView reported = new ArtifactView(format, fileName, report.sha256(), report.size());
        Optional<PendingUpload> pending = records.pending(lease.buildId(), format)
                .filter(p -> p.attempt() == lease.attempt() && p.uploadId().equals(report.uploadId()));
        if (pending.isEmpty()) {
            // A completion sent again (its reply was lost) finds the artifact already verified.
            if (records.verified(lease.buildId(), lease.attempt()).contains(reported)) {
                return reported;
            }
            throw ApiException.invalid("uploadId", "is not an upload this lease started for " + format);
        }
        PendingUpload upload = pending.get();
        if (report.size() != upload.size()) {
            throw ApiException.invalid("size", "must be the size given when the upload started (" + upload.size() + ")");
        }
        assemble(upload, report.parts());
        verify(upload, report);
        available(() -> {
            store.putText(ObjectKeys.checksum(upload.objectKey()), report.sha256() + "  " + fileName + "\n");
            return null;
        });
        transactions.executeWithoutResult(status -> {
            leases.require(leaseId, worker);
            records.saveVerified(lease.buildId(), lease.attempt(), reported, upload.objectKey());
        });
        bytesStored.increment(report.size());
        log.info("Stored {} ({} bytes, sha256 {}) for build {} attempt {}", upload.objectKey(), report.size(),
                report.sha256(), lease.buildId(), lease.attempt());
        return reported;
    }

    /** Assembles the parts; once assembled or refused, the upload id cannot be completed again. */
    private void assemble(PendingUpload upload, List<UploadedPart> parts) {
        try {
            store.completeMultipart(upload.objectKey(), upload.uploadId(), parts);
        } catch (ObjectStoreException e) {
            if (!e.isRejection()) {
                throw ApiException.unavailable("The object store did not answer (" + e.getMessage()
                        + "); retry shortly.");
            }
            store.abortMultipartQuietly(upload.objectKey(), upload.uploadId());
            records.forgetPending(upload.buildId(), upload.format(), upload.uploadId());
            throw mismatch(upload, "parts", "were refused by the object store (" + e.getMessage()
                    + "); start the upload again");
        }
        records.forgetPending(upload.buildId(), upload.format(), upload.uploadId());
    }

    /** Checks the assembled object against the report; a mismatch deletes it, so nothing unverified stays. */
    private void verify(PendingUpload upload, ArtifactUploadComplete report) {
        long size = available(() -> store.size(upload.objectKey())).orElse(-1);
        if (size != report.size()) {
            discard(upload);
            throw mismatch(upload, "size", "is " + report.size() + " but the stored object has " + size + " bytes");
        }
        String sha256 = available(() -> store.sha256(upload.objectKey()));
        if (!sha256.equals(report.sha256())) {
            discard(upload);
            throw mismatch(upload, "sha256", "is " + report.sha256() + " but the stored object's is " + sha256);
        }
    }

    private void discard(PendingUpload upload) {
        available(() -> {
            store.remove(upload.objectKey());
            store.remove(ObjectKeys.checksum(upload.objectKey()));
            return null;
        });
        records.forgetVerified(upload.buildId(), upload.format());
    }

    private ApiException mismatch(PendingUpload upload, String field, String message) {
        meters.counter("goldsmith.artifacts.verification.failures", "field", field).increment();
        log.warn("Upload of {} for build {} attempt {} refused: {} {}", upload.objectKey(), upload.buildId(),
                upload.attempt(), field, message);
        return ApiException.artifactMismatch(field, message);
    }

    private static void validate(ArtifactUploadComplete report) {
        List<FieldViolation> errors = new ArrayList<>();
        if (report.uploadId() == null || report.uploadId().isBlank() || report.uploadId().length() > MAX_UPLOAD_ID) {
            errors.add(new FieldViolation("uploadId", "is required"));
        }
        if (report.sha256() == null || !SHA256.matcher(report.sha256()).matches()) {
            errors.add(new FieldViolation("sha256", "must be 64 lowercase hex digits"));
        }
        if (report.size() <= 0) {
            errors.add(new FieldViolation("size", "must be positive"));
        }
        List<UploadedPart> parts = report.parts();
        if (parts == null || parts.isEmpty() || parts.size() > UploadPlan.MAX_PARTS) {
            errors.add(new FieldViolation("parts", "must list every uploaded part"));
        } else {
            for (int i = 0; i < parts.size(); i++) {
                UploadedPart part = parts.get(i);
                if (part == null || part.partNumber() != i + 1) {
                    errors.add(new FieldViolation("parts[" + i + "].partNumber", "must be " + (i + 1)));
                } else if (part.etag() == null || part.etag().isBlank() || part.etag().length() > 128) {
                    errors.add(new FieldViolation("parts[" + i + "].etag", "must be the ETag the part's PUT answered"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    /** Runs an object store call; a store that cannot be reached is a 503 the worker may retry. */
    private static <T> T available(Supplier<T> call) {
        try {
            return call.get();
        } catch (ObjectStoreException e) {
            log.warn("Object store call failed: {}", e.getMessage());
            throw ApiException.unavailable("The object store did not answer (" + e.getMessage() + "); retry shortly.");
        }
    }
}
