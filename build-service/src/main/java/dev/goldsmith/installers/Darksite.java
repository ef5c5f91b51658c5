package dev.goldsmith.installers;

import dev.goldsmith.api.DarksiteObject;
import java.time.Instant;

/**
 * A recorded darksite: its digest, how many packages its lock pins, and its two objects in the bucket,
 * {@code darksites/<hex>.tar} and {@code darksites/<hex>.lock}, each with the SHA-256 and size of the bytes stored.
 */
public record Darksite(String digest, int packages, DarksiteObject archive, DarksiteObject lock, Instant createdAt) {

    static String archiveKey(String digest) {
        return "darksites/" + hex(digest) + ".tar";
    }

    static String lockKey(String digest) {
        return "darksites/" + hex(digest) + ".lock";
    }

    private static String hex(String digest) {
        return digest.substring(DarksiteLock.DIGEST_PREFIX.length());
    }
}
