package dev.goldsmith.api;

import java.time.Instant;
import java.util.UUID;

/**
 * One refresh of a farm-built reference medium: {@code QUEUED}, {@code RUNNING} (a worker resolves, and perhaps
 * builds, the medium), then {@code UNCHANGED} (the archive offers nothing new), {@code REFRESHED} (a new medium
 * was built, checked and registered under the name; {@code current} is it) or {@code FAILED} ({@code failure}
 * says why; nothing changed). {@code packages} is how the new medium's package set differs from the previous.
 */
public record InstallerRefresh(
        UUID id,
        String installer,
        String status,
        String trigger,
        String requestedBy,
        UUID job,
        Instant startedAt,
        Instant finishedAt,
        MediumRef previous,
        MediumRef current,
        PackageChanges packages,
        String failure) {
}
