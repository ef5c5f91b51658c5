package dev.goldsmith.builds;

import dev.goldsmith.api.Source;
import dev.goldsmith.builds.persistence.BuildEntity;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.builds.persistence.BuildRepository;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/** Tells the rest of the service, within the completing transaction, that a build succeeded and what it was. */
@Component
class SucceededBuilds {

    private final BuildRepository builds;
    private final BuildRecords records;
    private final ApplicationEventPublisher events;

    SucceededBuilds(BuildRepository builds, BuildRecords records, ApplicationEventPublisher events) {
        this.builds = builds;
        this.records = records;
        this.events = events;
    }

    void announce(UUID buildId, int attempt) {
        // Read after the status change in this transaction, so finishedAt is set.
        BuildEntity b = builds.findById(buildId).orElseThrow();
        events.publishEvent(new BuildSucceeded(b.getId(), b.getTeam(), b.getDistro(), b.getProfile(), b.getInstaller(),
                new TreeMap<>(b.getAnswers()), b.getFormats(), new Source(b.getSourceRepository(), b.getSourceCommit()),
                b.getTests(), b.getArch(), b.getFingerprint(), b.getImageName(), b.getChannel(), attempt,
                records.workerName(b.getWorkerId()).orElse(null), b.getStartedAt(), b.getFinishedAt(),
                records.checks(buildId, attempt)));
    }
}
