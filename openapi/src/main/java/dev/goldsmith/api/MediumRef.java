package dev.goldsmith.api;

/** A medium as a refresh saw it: its sha256 and the darksite it installs from (null when it carries none). */
public record MediumRef(String sha256, String darksite) {
}
