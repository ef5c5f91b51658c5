package dev.goldsmith.api;

/**
 * {@code GET /api/v1/channels/{channel}/{distro}/{profile}}: where the channel points ({@code current}, null
 * when it never pointed anywhere), its {@code policy} (null without one) and the {@code lastRebuild} the policy
 * submitted, with its outcome.
 */
public record ChannelState(ChannelView current, ChannelPolicy policy, RebuildView lastRebuild) {
}
