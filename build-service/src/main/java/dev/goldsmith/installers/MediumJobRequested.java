package dev.goldsmith.installers;

import java.util.List;
import java.util.UUID;

/**
 * Published inside the transaction that records a refresh: a worker that builds media must run the recipe
 * {@code recipe} against the archive and compare what it resolves with {@code currentLock}, the package set of
 * the medium registered as {@code mediumName} now. The job stores {@code formats} when it builds a new medium.
 * {@code builds} queues it ({@code jobId}) as a medium job.
 */
public record MediumJobRequested(UUID jobId, UUID refreshId, String recipe, String mediumName, String mediumSha256,
        String darksite, String currentLock, String distro, String profile, List<String> formats) {
}
