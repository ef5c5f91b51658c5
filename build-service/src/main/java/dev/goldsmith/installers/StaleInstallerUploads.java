package dev.goldsmith.installers;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.artifacts.VerifiedUploads;
import dev.goldsmith.installers.persistence.InstallerRecords;
import dev.goldsmith.installers.persistence.InstallerRecords.PendingInstaller;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Aborts installer uploads whose part URLs have expired without a completion, so their parts do not fill the
 * store and the name is free again, and uploads of media the store holds that no registration recorded. Safe on
 * every replica at once.
 */
@Component
class StaleInstallerUploads {

    /** An upload is recorded within milliseconds of its start; one this old without a row never will be. */
    private static final Duration UNRECORDED_AFTER = Duration.ofMinutes(15);
    private static final Logger log = LoggerFactory.getLogger(StaleInstallerUploads.class);

    private final InstallerRecords records;
    private final VerifiedUploads uploads;
    private final Clock clock;
    private final Duration urlExpiry;

    StaleInstallerUploads(InstallerRecords records, VerifiedUploads uploads, Clock clock,
            GoldsmithProperties properties) {
        this.records = records;
        this.uploads = uploads;
        this.clock = clock;
        this.urlExpiry = properties.artifacts().urlExpiry();
    }

    @Scheduled(fixedDelayString = "${goldsmith.artifacts.sweep-interval:1m}")
    void sweep() {
        try {
            for (PendingInstaller stale : records.pendingSince(clock.instant().minus(urlExpiry), 100)) {
                uploads.abortQuietly(stale.objectKey(), stale.uploadId());
                records.forgetPending(stale.name(), stale.uploadId());
                log.info("Aborted the stale upload of installer {}", stale.name());
            }
            uploads.abortUnrecorded(Installer.OBJECT_PREFIX, clock.instant().minus(UNRECORDED_AFTER),
                    records::uploadRecorded);
        } catch (RuntimeException e) {
            log.warn("Sweep of stale installer uploads failed: {}", e.getMessage());
        }
    }
}
