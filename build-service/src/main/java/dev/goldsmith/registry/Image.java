package dev.goldsmith.registry;

import java.time.Instant;
import java.util.UUID;

/** An image version as the registry keeps it (its files are the build's verified artifacts). */
public record Image(
        String name,
        String team,
        String distro,
        String profile,
        String installer,
        String installerSha256,
        String darksite,
        String sourceRepository,
        String sourceCommit,
        String fingerprint,
        UUID buildId,
        boolean shared,
        String provenanceKeyId,
        Instant createdAt,
        Instant revokedAt,
        String revokedBy,
        String revokeReason) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
