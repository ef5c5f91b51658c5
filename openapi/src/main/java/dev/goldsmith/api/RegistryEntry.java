package dev.goldsmith.api;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What a channel points at, shaped for Terraform's {@code jsondecode}: {@code artifacts} is keyed by format
 * ({@code qcow2}, {@code vmdk}, ...). {@code version} and {@code name} are both the image version's name.
 */
public record RegistryEntry(
        String distro,
        String profile,
        String channel,
        String version,
        String name,
        Instant createdAt,
        UUID buildId,
        Map<String, RegistryArtifact> artifacts,
        String provenanceUrl,
        String versionUrl) {
}
