package dev.goldsmith.builds;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.installers.MediumJobRequested;
import dev.goldsmith.queue.QueueNotifier;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Queues the farm's medium jobs: a refresh asks for one (within its transaction), and it goes through the same
 * queue, leases and uploads as an image build, to a worker that builds media.
 */
@Component
class MediumJobs {

    /** The label a worker that can build media registers with, and every medium job requires. */
    static final String MEDIA_LABEL = "goldsmith-media";

    private final BuildRecords records;
    private final QueueNotifier queue;
    private final int maxAttempts;

    MediumJobs(BuildRecords records, QueueNotifier queue, GoldsmithProperties properties) {
        this.records = records;
        this.queue = queue;
        this.maxAttempts = properties.maxAttempts();
    }

    @EventListener
    void queue(MediumJobRequested job) {
        records.insertMediumJob(new BuildRecords.MediumJob(job.jobId(), job.refreshId(), job.recipe(),
                job.mediumName(), job.mediumSha256(), job.darksite(), job.currentLock(), job.distro(), job.profile(),
                job.formats(), maxAttempts), MEDIA_LABEL);
        queue.buildQueued();
    }
}
