package dev.goldsmith.api;

/** {@code POST /api/v1/leases/{leaseId}/artifacts}: the worker is about to upload one image file. */
public record ArtifactUploadRequest(String format, String fileName, long size) {
}
