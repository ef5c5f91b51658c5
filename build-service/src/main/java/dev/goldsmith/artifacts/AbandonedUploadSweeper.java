package dev.goldsmith.artifacts;

import dev.goldsmith.artifacts.persistence.ArtifactRecords;
import dev.goldsmith.artifacts.persistence.ArtifactRecords.AbandonedUpload;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Aborts multipart uploads that no attempt will complete, so their parts do not fill the store: those whose
 * build ended or was requeued, and those the store holds that no lease ever recorded (a request that died
 * between starting the upload and writing its row). Safe on every replica at once: aborting twice is harmless.
 */
@Component
public class AbandonedUploadSweeper {

    /** An upload is recorded within milliseconds of its start; one this old without a row never will be. */
    static final Duration UNRECORDED_AFTER = Duration.ofMinutes(15);
    private static final Logger log = LoggerFactory.getLogger(AbandonedUploadSweeper.class);
    private static final int BATCH = 100;

    private final ArtifactRecords records;
    private final ObjectStore store;
    private final VerifiedUploads uploads;
    private final Clock clock;

    AbandonedUploadSweeper(ArtifactRecords records, ObjectStore store, VerifiedUploads uploads, Clock clock) {
        this.records = records;
        this.store = store;
        this.uploads = uploads;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${goldsmith.artifacts.sweep-interval:1m}")
    public void sweepOnSchedule() {
        try {
            sweep();
            sweepUnrecorded();
        } catch (RuntimeException e) {
            log.warn("Sweep of abandoned uploads failed: {}", e.getMessage());
        }
    }

    /** Returns how many uploads it aborted. */
    public int sweep() {
        List<AbandonedUpload> abandoned = records.abandoned(BATCH);
        for (AbandonedUpload upload : abandoned) {
            store.abortMultipartQuietly(upload.objectKey(), upload.uploadId());
            records.forgetPending(upload.buildId(), upload.format(), upload.uploadId());
            log.info("Aborted abandoned upload of {} for build {}", upload.objectKey(), upload.buildId());
        }
        return abandoned.size();
    }

    /** Aborts image uploads the store holds that no lease recorded; returns how many. */
    public int sweepUnrecorded() {
        return sweepUnrecorded(clock.instant().minus(UNRECORDED_AFTER));
    }

    int sweepUnrecorded(Instant startedBefore) {
        return uploads.abortUnrecorded(ObjectKeys.IMAGES, startedBefore, records::uploadRecorded);
    }
}
