package dev.goldsmith.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An image version as the list shows it, with the channels (the caller may see) that point at it. */
public record ImageSummary(
        String name,
        String team,
        String distro,
        String profile,
        boolean shared,
        boolean revoked,
        UUID buildId,
        Instant createdAt,
        List<ChannelRef> channels) {
}
