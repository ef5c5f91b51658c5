package dev.goldsmith.api;

import java.time.Instant;
import java.util.List;

/**
 * A darksite: the pinned package set an installer medium installs from, named by {@code digest}
 * ({@code sha256:<hex>} of its lock's package lines, each followed by a newline), with every package of the lock
 * and the two objects it is stored as, {@code darksites/<hex>.tar} and {@code darksites/<hex>.lock}.
 */
public record DarksiteView(
        String digest,
        List<DarksitePackage> packages,
        DarksiteObject archive,
        DarksiteObject lock,
        Instant createdAt) {
}
