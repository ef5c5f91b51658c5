package dev.goldsmith.api;

/** A channel of a team: {@code production} of team {@code platform} for the image's distro and profile. */
public record ChannelRef(String team, String channel) {
}
