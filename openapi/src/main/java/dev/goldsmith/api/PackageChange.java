package dev.goldsmith.api;

/** A package whose version changed between two package sets. */
public record PackageChange(String name, String from, String to) {
}
