package dev.goldsmith.provenance;

/** A file the provenance speaks for: its name and SHA-256 (lowercase hex). */
public record Subject(String name, String sha256) {
}
