package dev.goldsmith.builds;

import dev.goldsmith.api.BuildSpec;
import dev.goldsmith.api.InstallerMedium;
import dev.goldsmith.api.Source;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.builds.persistence.BuildRecords.LeasedInputs;
import dev.goldsmith.installers.InstallerCatalog;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** What the worker gets with its lease: the build's inputs, secrets included, and nothing else. */
@Service
public class BuildSpecs {

    private final BuildRecords records;
    private final InstallerCatalog installers;

    public BuildSpecs(BuildRecords records, InstallerCatalog installers) {
        this.records = records;
        this.installers = installers;
    }

    public BuildSpec forWorker(UUID buildId, int attempt) {
        LeasedInputs b = records.leasedInputs(buildId).orElseThrow();
        return new BuildSpec(b.id(), attempt, b.distro(), b.profile(), b.installer(), medium(b), b.answers(),
                b.secretKeys(), b.formats(), new Source(b.sourceRepository(), b.sourceCommit()), b.tests(),
                b.imageName(), b.timeout());
    }

    /**
     * The medium the build was submitted with. A build queued before the installer registry existed resolves
     * its installer now; one that names nothing registered gets none, and its worker fails it.
     */
    private InstallerMedium medium(LeasedInputs b) {
        if (b.installerSha256() != null) {
            return installers.medium(b.installerName(), b.installerSha256(), b.darksite());
        }
        return installers.resolve(b.installer())
                .map(installer -> installers.medium(installer.name(), installer.sha256(), installer.darksite()))
                .orElse(null);
    }
}
