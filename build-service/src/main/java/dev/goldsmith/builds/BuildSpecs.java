package dev.goldsmith.builds;

import dev.goldsmith.api.BuildSpec;
import dev.goldsmith.api.InstallerMedium;
import dev.goldsmith.api.Source;
import dev.goldsmith.builds.persistence.BuildEntity;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.builds.persistence.BuildRepository;
import dev.goldsmith.installers.InstallerCatalog;
import java.time.Duration;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What the worker gets with its lease: the build's inputs, secrets included, and nothing else. */
@Service
public class BuildSpecs {

    private final BuildRepository builds;
    private final BuildRecords records;
    private final InstallerCatalog installers;

    public BuildSpecs(BuildRepository builds, BuildRecords records, InstallerCatalog installers) {
        this.builds = builds;
        this.records = records;
        this.installers = installers;
    }

    @Transactional(readOnly = true)
    public BuildSpec forWorker(UUID buildId, int attempt) {
        BuildEntity b = builds.findById(buildId).orElseThrow();
        TreeMap<String, String> answers = new TreeMap<>(b.getAnswers());
        answers.putAll(records.secrets(buildId));
        return new BuildSpec(b.getId(), attempt, b.getDistro(), b.getProfile(), b.getInstaller(),
                medium(b), answers,
                b.getSecretKeys(), b.getFormats(), new Source(b.getSourceRepository(), b.getSourceCommit()),
                b.getTests(), b.getImageName(), Duration.ofSeconds(b.getTimeoutSeconds()));
    }

    /**
     * The medium the build was submitted with. A build queued before the installer registry existed resolves
     * its installer now; one that names nothing registered gets none, and its worker fails it.
     */
    private InstallerMedium medium(BuildEntity b) {
        if (b.getInstallerSha256() != null) {
            return installers.medium(b.getInstallerName(), b.getInstallerSha256(), b.getDarksite());
        }
        return installers.resolve(b.getInstaller())
                .map(installer -> installers.medium(installer.name(), installer.sha256(), installer.darksite()))
                .orElse(null);
    }
}
