package dev.goldsmith.api;

/** One file in a registry answer: a download URL usable as given, its SHA-256 and size in bytes. */
public record RegistryArtifact(String url, String sha256, long size) {
}
