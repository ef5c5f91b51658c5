package dev.goldsmith.installers;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.InstallerRegistration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * At start-up, registers the reference media found in {@code goldsmith.installer-dir} ({@code <name>.img} or
 * {@code <name>.iso}) through the registry like any other medium: hashed, put content-addressed into the bucket
 * if missing, verified, and recorded under the name with the descriptor below. A medium that is not there is
 * skipped; one that cannot be registered (the store is down) is logged and does not stop the service.
 */
@Component
class ReferenceInstallers implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ReferenceInstallers.class);

    /** The reference installers and what they declare (both print kldload's completion and failure lines). */
    static final List<InstallerRegistration> DESCRIPTORS = List.of(
            descriptor("reference-tiny", List.of("debian", "ubuntu"), List.of("core", "server"), "tiny", "PT15M",
                    "512M"),
            descriptor("reference-debian-zfs", List.of("debian"), List.of("core", "server"), "golden", "PT1H",
                    "8G"));

    private final InstallerRegistry registry;
    private final Path dir;

    ReferenceInstallers(InstallerRegistry registry, GoldsmithProperties properties) {
        this.registry = registry;
        this.dir = properties.referenceInstallers();
    }

    @Override
    public void run(ApplicationArguments args) {
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
            long size = Files.size(file);
            InstallerRegistration registration = new InstallerRegistration(descriptor.name(), sha256(file), size,
                    format, descriptor.bootMode(), descriptor.successLine(), descriptor.failureLines(),
                    descriptor.installDeadline(), descriptor.distros(), descriptor.profiles(),
                    descriptor.defaultSuite(), descriptor.diskSize());
            var view = registry.registerReference(registration, file);
            log.info("Reference installer {} registered from {} (sha256 {}, {} bytes)", view.name(), file,
                    view.sha256(), view.size());
        } catch (IOException | RuntimeException e) {
            log.warn("Reference installer {} from {} not registered: {}", descriptor.name(), file, e.getMessage());
        }
    }

    private static InstallerRegistration descriptor(String name, List<String> distros, List<String> profiles,
            String suite, String deadline, String diskSize) {
        return new InstallerRegistration(name, null, 0, null, "UEFI", "Install completed successfully",
                List.of("Install failed:", "Installation failed", "REFUSING:"), deadline, distros, profiles, suite,
                diskSize);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
