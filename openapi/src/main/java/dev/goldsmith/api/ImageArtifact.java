package dev.goldsmith.api;

/**
 * One file of an image version. {@code url} is the control plane's redirecting download URL (a {@code 302} to a
 * short-lived presigned URL of the object); {@code checksumUrl} answers the {@code sha256sum} line.
 */
public record ImageArtifact(String format, String fileName, String url, String sha256, long size,
        String checksumUrl) {
}
