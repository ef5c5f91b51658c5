package dev.goldsmith.api;

/** A package installed in the image, as its package manager names it (Debian: name, version, architecture). */
public record InstalledPackage(String name, String version, String architecture) {
}
