package dev.goldsmith.api;

/** One package of a darksite, as its lock pins it: the {@code .deb}'s SHA-256 and size in bytes. */
public record DarksitePackage(String name, String version, String architecture, String sha256, long size) {
}
