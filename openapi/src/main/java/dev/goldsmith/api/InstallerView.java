package dev.goldsmith.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A registered installer medium: its name, digest and where it lies, and how the farm runs it. {@code darksite}
 * is the {@code sha256:<hex>} digest of the package set the medium carries (see {@link DarksiteView}), or null.
 */
public record InstallerView(
        String name,
        String sha256,
        long size,
        String format,
        String objectKey,
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
}
