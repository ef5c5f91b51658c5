package dev.goldsmith.builds;

import dev.goldsmith.api.BuildSpec;
import dev.goldsmith.api.InstallerMedium;
import dev.goldsmith.api.MediumJob;
import dev.goldsmith.api.Source;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.builds.persistence.BuildRecords.LeasedInputs;
import dev.goldsmith.installers.InstallerCatalog;
import dev.goldsmith.queue.Claim;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    public BuildSpec forWorker(Claim claim) {
        return forWorkers(List.of(claim)).getFirst();
    }

    /** The specs of claimed builds, in their order: one read for all inputs, one per distinct medium. */
    public List<BuildSpec> forWorkers(List<Claim> claims) {
        if (claims.isEmpty()) {
            return List.of();
        }
        Map<UUID, LeasedInputs> inputs = new HashMap<>();
        records.leasedInputs(claims.stream().map(Claim::buildId).toList()).forEach(b -> inputs.put(b.id(), b));
        Map<List<String>, InstallerMedium> media = new HashMap<>();
        return claims.stream().map(claim -> {
            LeasedInputs b = Objects.requireNonNull(inputs.get(claim.buildId()), "claimed build is gone");
            if (BuildSpec.MEDIUM.equals(b.kind())) {
                return new BuildSpec(b.id(), claim.attempt(), b.distro(), b.profile(), b.installer(), null,
                        b.answers(), b.secretKeys(), b.formats(), new Source(b.sourceRepository(),
                                b.sourceCommit()), b.tests(), b.imageName(), b.timeout(), BuildSpec.MEDIUM,
                        new MediumJob(b.mediumRecipe(), b.mediumCurrentLock()));
            }
            InstallerMedium medium = media.computeIfAbsent(
                    Arrays.asList(b.installer(), b.installerName(), b.installerSha256(), b.darksite()),
                    key -> medium(b));
            return new BuildSpec(b.id(), claim.attempt(), b.distro(), b.profile(), b.installer(), medium, b.answers(),
                    b.secretKeys(), b.formats(), new Source(b.sourceRepository(), b.sourceCommit()), b.tests(),
                    b.imageName(), b.timeout());
        }).toList();
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
