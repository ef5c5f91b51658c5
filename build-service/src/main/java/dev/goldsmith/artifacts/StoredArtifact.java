package dev.goldsmith.artifacts;

/** An image file the control plane verified in the store: its format, name, digest, size and object key. */
public record StoredArtifact(String format, String fileName, String sha256, long size, String objectKey) {
}
