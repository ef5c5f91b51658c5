package dev.goldsmith.api;

import java.time.Instant;
import java.util.UUID;

/**
 * The last rebuild a channel's policy submitted: the build ({@code null} when it could not be submitted:
 * {@code failure} says why), its {@code status}, why it ran ({@code trigger}), the version it rebuilds
 * ({@code rebuildOf}), the image it made and the diff between the two ({@code diff}, a path of this API).
 */
public record RebuildView(
        UUID build,
        String status,
        String trigger,
        UUID refresh,
        String rebuildOf,
        String image,
        String diff,
        String failure,
        Instant at) {
}
