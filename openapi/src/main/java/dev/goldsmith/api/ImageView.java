package dev.goldsmith.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An immutable image version: what it was built from, its files with their digests, where its signed provenance
 * is, the channels (the caller may see) that point at it, and whether and why it was revoked. {@code darksite} is
 * the digest of the package set its installer medium carried, or null.
 */
public record ImageView(
        String name,
        String team,
        String distro,
        String profile,
        String installer,
        String installerSha256,
        String darksite,
        Source source,
        String fingerprint,
        UUID buildId,
        boolean shared,
        Instant createdAt,
        boolean revoked,
        Instant revokedAt,
        String revokedBy,
        String revokeReason,
        List<ChannelRef> channels,
        List<ImageArtifact> artifacts,
        String provenanceUrl,
        String provenanceKeyId) {
}
