package dev.goldsmith.installers;

import dev.goldsmith.digests.Sha256;
import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.InstallerRegistration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * At start-up, registers the reference media found in {@code goldsmith.installer-dir} ({@code <name>.img} or
 * {@code <name>.iso}) through the registry like any other medium: hashed, put content-addressed into the bucket
 * if missing, verified, and recorded under the name with the descriptor below. A medium that carries a darksite
 * has it stored first, from the darksite files beside it ({@link Darksites}), and is recorded with its digest. A
 * medium that is not there is skipped; one that cannot be registered (the store is down, its darksite does not
 * check out) is logged and does not stop the service.
 */
@Component
class ReferenceInstallers implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ReferenceInstallers.class);

    /**
     * The reference installers and what they declare (both print kldload's completion and failure lines).
     * reference-tiny installs in about 20 s under TCG; its deadline is a dozen times that, not its medium's own
     * 10-minute watchdog, because a guest can hang before that watchdog starts (seen once under TCG with two
     * VMs booting at once), and the worker's INSTALL_TIMEOUT is retried.
     */
    static final List<InstallerRegistration> DESCRIPTORS = List.of(
            descriptor("reference-tiny", List.of("debian", "ubuntu"), List.of("core", "server"), "tiny", "PT4M",
                    "512M"),
            descriptor("reference-debian-zfs", List.of("debian"), List.of("core", "server"), "golden", "PT1H",
                    "8G"));

    /**
     * The media built with a darksite. Its files are not named after the medium (both media are usually built
     * into one folder), so only these take the darksite found beside them.
     */
    static final Set<String> WITH_DARKSITE = Set.of("reference-debian-zfs");

    private final InstallerRegistry registry;
    private final Darksites darksites;
    private final Path dir;

    ReferenceInstallers(InstallerRegistry registry, Darksites darksites, GoldsmithProperties properties) {
        this.registry = registry;
        this.darksites = darksites;
        this.dir = properties.referenceInstallers();
    }

    @Override
    public void run(ApplicationArguments args) {
        registerFrom(dir);
    }

    /** Registers every reference medium found in {@code dir}. */
    void registerFrom(Path dir) {
        for (InstallerRegistration descriptor : DESCRIPTORS) {
            for (String format : List.of("img", "iso")) {
                Path file = dir.resolve(descriptor.name() + "." + format);
                if (Files.isRegularFile(file)) {
                    register(descriptor, format, file);
                    break;
                }
            }
        }
    }

    private void register(InstallerRegistration descriptor, String format, Path file) {
        try {
            String darksite = darksite(descriptor.name(), file.getParent());
            long size = Files.size(file);
            InstallerRegistration registration = new InstallerRegistration(descriptor.name(),
                    Sha256.of(file), size,
                    format, descriptor.bootMode(), descriptor.successLine(), descriptor.failureLines(),
                    descriptor.installDeadline(), descriptor.distros(), descriptor.profiles(),
                    descriptor.defaultSuite(), descriptor.diskSize());
            var view = registry.registerReference(registration, file, darksite);
            log.info("Reference installer {} registered from {} (sha256 {}, {} bytes, darksite {})", view.name(),
                    file, view.sha256(), view.size(), view.darksite() == null ? "none" : view.darksite());
        } catch (IOException | RuntimeException e) {
            log.warn("Reference installer {} from {} not registered: {}", descriptor.name(), file, e.getMessage());
        }
    }

    /** The digest of the darksite stored for the medium, or null when it is built without one or it is missing. */
    private String darksite(String medium, Path mediumDir) throws IOException {
        if (!WITH_DARKSITE.contains(medium)) {
            return null;
        }
        if (!Darksites.presentIn(mediumDir)) {
            log.warn("Reference installer {} carries a darksite, but there is no {} beside it in {}: it is registered "
                    + "without one, and its builds' provenance names none", medium, Darksites.DIGEST_FILE, mediumDir);
            return null;
        }
        return darksites.store(mediumDir).digest();
    }

    private static InstallerRegistration descriptor(String name, List<String> distros, List<String> profiles,
            String suite, String deadline, String diskSize) {
        return new InstallerRegistration(name, null, 0, null, "UEFI", "Install completed successfully",
                List.of("Install failed:", "Installation failed", "REFUSING:"), deadline, distros, profiles, suite,
                diskSize);
    }
}
