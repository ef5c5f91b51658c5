package dev.goldsmith.artifacts;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.ArtifactUploadRequest;
import dev.goldsmith.api.ArtifactView;
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

    private final Leases leases;
    private final ArtifactRecords records;
    private final VerifiedUploads uploads;
    private final TransactionTemplate transactions;
    private final long partSize;
    private final long maxSize;
    private final Counter bytesStored;

    ArtifactUploads(Leases leases, ArtifactRecords records, VerifiedUploads uploads,
            TransactionTemplate transactions, GoldsmithProperties properties, MeterRegistry meters) {
        this.leases = leases;
        this.records = records;
        this.uploads = uploads;
        this.transactions = transactions;
        this.partSize = properties.artifacts().partSize().toBytes();
        this.maxSize = properties.artifacts().maxSize().toBytes();
        this.bytesStored = Counter.builder("goldsmith.artifacts.bytes")
                .description("Bytes of image files stored and verified")
                .baseUnit("bytes")
                .register(meters);
    }

    public ArtifactUpload start(UUID leaseId, UUID worker, ArtifactUploadRequest request) {
        LeaseContext lease = leases.require(leaseId, worker);
        BuildTarget target = records.target(lease.buildId());
        List<FieldViolation> errors = new ArrayList<>();
        if (request.format() == null || !storable(target, request.format())) {
            errors.add(new FieldViolation("format", "must be a format this build requested: " + target.formats()
                    + ", or a byproduct: " + StoredArtifacts.BYPRODUCTS));
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
        String key = ObjectKeys.image(target.imageName(), request.format());
        ArtifactUpload started = uploads.start(key, request.size(), partSize);
        PendingUpload upload = new PendingUpload(lease.buildId(), request.format(), lease.attempt(),
                started.uploadId(), key, request.size(), started.partSize());
        Optional<PendingUpload> replaced = transactions.execute(status -> {
            Optional<PendingUpload> previous = records.pending(lease.buildId(), request.format());
            records.savePending(upload);
            return previous;
        });
        replaced.ifPresent(previous -> uploads.abortQuietly(previous.objectKey(), previous.uploadId()));
        return started;
    }

    private static boolean storable(BuildTarget target, String format) {
        return target.formats().contains(format) || StoredArtifacts.BYPRODUCTS.contains(format);
    }

    public ArtifactView complete(UUID leaseId, UUID worker, String format, ArtifactUploadComplete report) {
        LeaseContext lease = leases.require(leaseId, worker);
        BuildTarget target = records.target(lease.buildId());
        if (!storable(target, format)) {
            throw ApiException.invalid("format", "must be a format this build requested: " + target.formats()
                    + ", or a byproduct: " + StoredArtifacts.BYPRODUCTS);
        }
        VerifiedUploads.validate(report);
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
        uploads.assemble(upload.objectKey(), upload.uploadId(), report.parts(),
                () -> records.forgetPending(upload.buildId(), upload.format(), upload.uploadId()));
        Optional<VerifiedUploads.Mismatch> mismatch = uploads.check(upload.objectKey(), report.size(), report.sha256());
        // Reading the object back takes long: the lease may have been lost meanwhile and another attempt may be
        // storing under the same key. Whatever is written or deleted now happens under the build's row lock and
        // only while this attempt still holds its lease, so a stale attempt never touches the next one's files.
        transactions.executeWithoutResult(status -> {
            leases.lockLive(leaseId, worker);
            if (mismatch.isPresent()) {
                uploads.remove(upload.objectKey());
                uploads.remove(ObjectKeys.checksum(upload.objectKey()));
                records.forgetVerified(upload.buildId(), upload.format(), lease.attempt());
            } else {
                uploads.putText(ObjectKeys.checksum(upload.objectKey()), report.sha256() + "  " + fileName + "\n");
                records.saveVerified(lease.buildId(), lease.attempt(), reported, upload.objectKey());
            }
        });
        if (mismatch.isPresent()) {
            throw mismatch.get().problem();
        }
        bytesStored.increment(report.size());
        log.info("Stored {} ({} bytes, sha256 {}) for build {} attempt {}", upload.objectKey(), report.size(),
                report.sha256(), lease.buildId(), lease.attempt());
        return reported;
    }
}
