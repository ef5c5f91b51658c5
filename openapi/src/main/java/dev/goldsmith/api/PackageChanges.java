package dev.goldsmith.api;

import java.util.List;

/**
 * How one package set differs from another: packages only in the new one ({@code added}, as
 * {@code name version}), only in the old one ({@code removed}), and those in both at a newer or older version
 * (Debian's version order).
 */
public record PackageChanges(List<String> added, List<String> removed, List<PackageChange> upgraded,
        List<PackageChange> downgraded) {
}
