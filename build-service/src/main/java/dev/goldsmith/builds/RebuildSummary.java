package dev.goldsmith.builds;

import java.time.Instant;
import java.util.UUID;

/**
 * What a channel shows of a rebuild: its status, the image it makes, the build it rebuilds and that build's
 * image, how it failed (if it did) and when it ended.
 */
public record RebuildSummary(UUID id, String status, String imageName, UUID rebuildOf, String rebuildOfImage,
        String failureCode, String failureReason, Instant finishedAt) {
}
