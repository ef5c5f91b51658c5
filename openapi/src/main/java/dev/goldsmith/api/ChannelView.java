package dev.goldsmith.api;

import java.time.Instant;

/** Where a team's channel for one distro and profile points now ({@code image} null once cleared). */
public record ChannelView(
        String team,
        String channel,
        String distro,
        String profile,
        String image,
        Instant assignedAt,
        String assignedBy) {
}
