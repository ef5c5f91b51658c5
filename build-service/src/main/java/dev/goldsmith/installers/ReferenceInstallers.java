package dev.goldsmith.installers;

import dev.goldsmith.digests.Sha256;
import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.InstallerRegistration;
import dev.goldsmith.api.InstallerView;
import dev.goldsmith.installers.persistence.InstallerRecords;
import dev.goldsmith.installers.persistence.RefreshRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
 * check out) is logged and does not stop the service. The package set the medium was built from
 * ({@code resolved.lock} beside it, or reference-tiny's {@code packages.lock}) is recorded with it: a refresh
 * compares what the archive offers now with it. A medium the farm registered after the file was written (a
 * refresh) is kept over the older file.
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

    /** The package set a recipe resolved, written beside the medium it builds. */
    static final String RESOLVED_LOCK = "resolved.lock";

    private final InstallerRegistry registry;
    private final Darksites darksites;
    private final InstallerRecords installers;
    private final RefreshRecords refreshes;
    private final Path dir;

    ReferenceInstallers(InstallerRegistry registry, Darksites darksites, InstallerRecords installers,
            RefreshRecords refreshes, GoldsmithProperties properties) {
        this.registry = registry;
        this.darksites = darksites;
        this.installers = installers;
        this.refreshes = refreshes;
        this.dir = properties.referenceInstallers();
    }

    /** What the reference medium {@code name} declares, if it is one. */
    static Optional<InstallerRegistration> descriptor(String name) {
        return DESCRIPTORS.stream().filter(d -> d.name().equals(name)).findFirst();
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
                    registerAtStart(descriptor, format, file);
                    break;
                }
            }
        }
    }

    private void registerAtStart(InstallerRegistration descriptor, String format, Path file) {
        try {
            Optional<Installer> current = installers.find(descriptor.name());
            FileTime written = Files.getLastModifiedTime(file);
            boolean refreshed = installers.registeredBy(descriptor.name()).filter(by -> by.startsWith("refresh:"))
                    .isPresent();
            if (refreshed && current.get().registeredAt().isAfter(written.toInstant())
                    && !current.get().sha256().equals(Sha256.of(file))) {
                log.info("Reference installer {}: keeping {} (registered {}) over the older {} (written {})",
                        descriptor.name(), current.get().sha256(), current.get().registeredAt(), file, written);
                return;
            }
            InstallerView view = register(descriptor, format, file, "reference");
            log.info("Reference installer {} registered from {} (sha256 {}, {} bytes, darksite {})", view.name(),
                    file, view.sha256(), view.size(), view.darksite() == null ? "none" : view.darksite());
        } catch (IOException | RuntimeException e) {
            log.warn("Reference installer {} from {} not registered: {}", descriptor.name(), file, e.getMessage());
        }
    }

    /**
     * Registers the reference medium {@code file} (with the darksite and package lock beside it) under its
     * descriptor's name, replacing what the name stood for; throws when it cannot be (a darksite that does not
     * check out, the store down).
     */
    InstallerView register(InstallerRegistration descriptor, String format, Path file, String registeredBy)
            throws IOException {
        String darksite = darksite(descriptor.name(), file.getParent());
        InstallerRegistration registration = new InstallerRegistration(descriptor.name(), Sha256.of(file),
                Files.size(file), format, descriptor.bootMode(), descriptor.successLine(), descriptor.failureLines(),
                descriptor.installDeadline(), descriptor.distros(), descriptor.profiles(), descriptor.defaultSuite(),
                descriptor.diskSize());
        InstallerView view = registry.registerReference(registration, file, darksite, registeredBy);
        lockBeside(file).ifPresent(lock -> refreshes.saveLock(view.sha256(), lock));
        return view;
    }

    /** The package lock beside a medium: {@code resolved.lock}, else reference-tiny's {@code packages.lock}. */
    private static Optional<String> lockBeside(Path medium) throws IOException {
        for (String name : List.of(RESOLVED_LOCK, "packages.lock")) {
            Path lock = medium.resolveSibling(name);
            if (Files.isRegularFile(lock) && Files.size(lock) < (8 << 20)) {
                return Optional.of(Files.readString(lock, StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
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
