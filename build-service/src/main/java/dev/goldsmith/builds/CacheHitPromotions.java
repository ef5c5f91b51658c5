package dev.goldsmith.builds;

import dev.goldsmith.api.ChannelView;

/**
 * What a submission answered from the cache does with its {@code channel}: the registry points the channel at
 * the image of the earlier build, audited as the caller, within the submission's transaction. The registry
 * implements it; {@code builds} cannot know the registry, which listens to builds.
 */
public interface CacheHitPromotions {

    /** Points {@code team}'s {@code channel} for the image's distro and profile at it, as {@code actor}. */
    ChannelView promote(String team, String actor, String channel, CachedImage image);

    /** The image of the succeeded build a cache hit answered with. */
    record CachedImage(java.util.UUID buildId, String imageName, String distro, String profile) {
    }
}
