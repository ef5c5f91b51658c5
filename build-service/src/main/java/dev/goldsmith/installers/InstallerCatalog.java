package dev.goldsmith.installers;

import dev.goldsmith.api.InstallerMedium;
import dev.goldsmith.artifacts.ImageObjects;
import dev.goldsmith.installers.persistence.InstallerRecords;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** What builds need of the registry: which medium a request names, and what a worker gets to run it. */
@Component
public class InstallerCatalog {

    private static final String DIGEST_PREFIX = "sha256:";

    private final InstallerRecords records;
    private final ImageObjects objects;

    InstallerCatalog(InstallerRecords records, ImageObjects objects) {
        this.records = records;
        this.objects = objects;
    }

    /**
     * The registration a build's {@code installer} names: a registered name, or {@code sha256:<hex>} of a
     * registered medium (whose reference registration, else earliest, describes it).
     */
    public Optional<Installer> resolve(String installer) {
        return installer.startsWith(DIGEST_PREFIX)
                ? records.firstWithDigest(installer.substring(DIGEST_PREFIX.length()))
                : records.find(installer);
    }

    /**
     * Inside a submission's transaction: the registration, if it is still there with this medium, held so that
     * it cannot be deleted before the build is stored (the build records its darksite).
     */
    public Optional<Installer> holdForBuild(String name, String sha256) {
        return records.findForShare(name).filter(i -> i.sha256().equals(sha256));
    }

    /**
     * The medium of a claimed build: the bytes it was submitted with (by digest) and the darksite it recorded
     * then, described by the registration it resolved to (or by another of the same medium, should that name
     * since stand for other bytes).
     */
    public InstallerMedium medium(String name, String sha256, String darksite) {
        Installer installer = records.find(name).filter(i -> i.sha256().equals(sha256))
                .or(() -> records.firstWithDigest(sha256))
                .or(() -> records.find(name))
                .orElseThrow(() -> new IllegalStateException("installer " + name + " (" + sha256 + ") is gone"));
        String key = Installer.objectKey(sha256, installer.format());
        return new InstallerMedium(name, sha256, installer.size(), installer.format(), objects.downloadUrl(key),
                installer.bootMode(), installer.successLine(), installer.failureLines(), installer.installDeadline(),
                installer.diskSize(), darksite);
    }
}
