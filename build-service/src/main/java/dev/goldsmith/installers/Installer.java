package dev.goldsmith.installers;

import dev.goldsmith.api.InstallerView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A registered installer medium: the object {@code installers/<sha256>.<format>} under a name, with what the
 * farm needs to run it and the digest of the darksite it carries (null when none). Several names may share one
 * medium.
 */
public record Installer(
        String name,
        String sha256,
        long size,
        String format,
        String bootMode,
        String successLine,
        List<String> failureLines,
        Duration installDeadline,
        List<String> distros,
        List<String> profiles,
        String defaultSuite,
        String diskSize,
        String team,
        boolean reference,
        Instant registeredAt,
        String darksite) {

    /** Where media live in the bucket: {@code installers/<sha256>.<format>}. */
    static final String OBJECT_PREFIX = "installers/";

    public String objectKey() {
        return objectKey(sha256, format);
    }

    /** Where a medium lies in the bucket (DESIGN §6): content-addressed, so equal bytes are stored once. */
    static String objectKey(String sha256, String format) {
        return OBJECT_PREFIX + sha256 + "." + format;
    }

    Installer withDarksite(String digest) {
        return new Installer(name, sha256, size, format, bootMode, successLine, failureLines, installDeadline,
                distros, profiles, defaultSuite, diskSize, team, reference, registeredAt, digest);
    }

    public InstallerView view() {
        return new InstallerView(name, sha256, size, format, objectKey(), bootMode, successLine, failureLines,
                installDeadline, distros, profiles, defaultSuite, diskSize, team, reference, registeredAt, darksite);
    }
}
