package dev.goldsmith.api;

import java.util.List;

/**
 * {@code POST /api/v1/leases/{leaseId}/artifacts/{format}/complete}: the parts are uploaded; the control plane
 * assembles them and checks that what landed has this size and SHA-256 before it records the artifact.
 */
public record ArtifactUploadComplete(String uploadId, String sha256, long size, List<UploadedPart> parts) {
}
