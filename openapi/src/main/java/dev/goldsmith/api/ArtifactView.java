package dev.goldsmith.api;

/** One stored image file. */
public record ArtifactView(String format, String fileName, String sha256, long size) {
}
