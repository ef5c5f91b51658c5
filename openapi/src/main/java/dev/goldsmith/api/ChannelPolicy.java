package dev.goldsmith.api;

import java.time.Instant;
import java.util.List;

/** A channel's policy as the API shows it: the secrets it holds by name only ({@code secretKeys}). */
public record ChannelPolicy(
        String team,
        String channel,
        String distro,
        String profile,
        String rebuild,
        String schedule,
        String promote,
        List<String> secretKeys,
        String updatedBy,
        Instant updatedAt) {
}
