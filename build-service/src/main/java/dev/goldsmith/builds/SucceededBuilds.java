package dev.goldsmith.builds;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.InstalledPackage;
import dev.goldsmith.artifacts.StoredArtifacts;
import dev.goldsmith.api.Source;
import dev.goldsmith.artifacts.BuildRecordObjects;
import dev.goldsmith.builds.persistence.BuildEntity;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.builds.persistence.BuildRepository;
import dev.goldsmith.installers.Darksite;
import dev.goldsmith.installers.Darksites;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Tells the rest of the service, within the completing transaction, that a build succeeded and what it was,
 * after archiving its log and test report and storing its SBOM (the provenance names their digests).
 */
@Component
class SucceededBuilds {

    private final BuildRepository builds;
    private final BuildRecords records;
    private final BuildArchive archive;
    private final BuildRecordObjects objects;
    private final Darksites darksites;
    private final String farmId;
    private final ApplicationEventPublisher events;
    private final StoredArtifacts storedArtifacts;

    SucceededBuilds(BuildRepository builds, BuildRecords records, BuildArchive archive, BuildRecordObjects objects,
            Darksites darksites, GoldsmithProperties properties, ApplicationEventPublisher events,
            StoredArtifacts storedArtifacts) {
        this.storedArtifacts = storedArtifacts;
        this.builds = builds;
        this.records = records;
        this.archive = archive;
        this.objects = objects;
        this.darksites = darksites;
        this.farmId = properties.provenance().farmId();
        this.events = events;
    }

    void announce(UUID buildId, int attempt, List<InstalledPackage> packages) {
        // Read after the status change in this transaction, so finishedAt is set.
        BuildEntity b = builds.findById(buildId).orElseThrow();
        BuildArchive.Archived archived = archive.archive(buildId, b.getTests());
        BuildRecordObjects.Written sbom = objects.putSbom(b.getImageName(), SpdxDocuments.render(farmId,
                b.getImageName(), b.getDistro(), b.getFinishedAt(), packages == null ? List.of() : packages));
        events.publishEvent(new BuildSucceeded(b.getId(), b.getTeam(), b.getDistro(), b.getProfile(), b.getInstaller(),
                b.getInstallerName() != null ? b.getInstallerName() : b.getInstaller(), b.getInstallerSha256(),
                b.getDarksite(), darksitePackages(b.getDarksite()),
                new TreeMap<>(b.getAnswers()), b.getFormats(), new Source(b.getSourceRepository(), b.getSourceCommit()),
                b.getTests(), b.getArch(), b.getFingerprint(), b.getImageName(),
                b.isCancelRequested() ? null : b.getChannel(), attempt,
                records.workerName(b.getWorkerId()).orElse(null), b.getStartedAt(), b.getFinishedAt(),
                records.checks(buildId, attempt), archived.logSha256(), archived.testReportSha256(),
                sbom.sha256(), storedArtifacts.verified(buildId, attempt).stream()
                        .filter(a -> a.format().equals("manifest")).map(ArtifactView::sha256).findFirst().orElse(null),
                b.getTriggerPolicy()));
    }

    /** A medium job's success: its log and report are archived; it makes no image version. */
    void archiveOnly(UUID buildId) {
        archive.archive(buildId, builds.findById(buildId).orElseThrow().getTests());
    }

    /** How many packages the darksite's lock pins (a recorded darksite is never deleted). */
    private int darksitePackages(String digest) {
        return digest == null ? 0 : darksites.find(digest).map(Darksite::packages)
                .orElseThrow(() -> new IllegalStateException("darksite " + digest + " is not recorded"));
    }
}
