package dev.goldsmith.api;

import java.util.List;

/**
 * {@code POST /api/v1/installers}: a named installer medium and what the farm needs to know to run it. The
 * medium is the object {@code installers/<sha256>.<format>}; when it is not in the bucket yet, the answer is a
 * presigned multipart upload of {@code size} bytes. {@code installDeadline} is an ISO-8601 duration;
 * {@code diskSize} (e.g. {@code 8G}) is the blank target disk, the worker's default when absent.
 */
public record InstallerRegistration(
        String name,
        String sha256,
        long size,
        String format,
        String bootMode,
        String successLine,
        List<String> failureLines,
        String installDeadline,
        List<String> distros,
        List<String> profiles,
        String defaultSuite,
        String diskSize) {
}
