package dev.goldsmith.api;

/**
 * A registration waiting for its bytes: PUT each part to its presigned URL, then complete with
 * {@code POST /api/v1/installers/{name}/complete} ({@link ArtifactUploadComplete}).
 */
public record InstallerUpload(String name, String sha256, ArtifactUpload upload) {
}
