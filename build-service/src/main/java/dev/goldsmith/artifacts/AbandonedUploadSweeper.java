package dev.goldsmith.artifacts;

import dev.goldsmith.artifacts.persistence.ArtifactRecords;
import dev.goldsmith.artifacts.persistence.ArtifactRecords.AbandonedUpload;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Aborts multipart uploads that no attempt will complete (the build ended or was requeued), so their parts do
 * not fill the store. Safe on every replica at once: aborting an upload twice is harmless.
 */
@Component
public class AbandonedUploadSweeper {

    private static final Logger log = LoggerFactory.getLogger(AbandonedUploadSweeper.class);
    private static final int BATCH = 100;

    private final ArtifactRecords records;
    private final ObjectStore store;

    AbandonedUploadSweeper(ArtifactRecords records, ObjectStore store) {
        this.records = records;
        this.store = store;
    }

    @Scheduled(fixedDelayString = "${goldsmith.artifacts.sweep-interval:1m}")
    public void sweepOnSchedule() {
        try {
            sweep();
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
}
