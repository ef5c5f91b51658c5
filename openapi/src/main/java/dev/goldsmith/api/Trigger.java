package dev.goldsmith.api;

import java.util.UUID;

/**
 * Why the farm submitted a build by itself: {@code kind} {@code refresh} (the medium of the channel's version was
 * refreshed: {@code refresh} names it), {@code schedule} (the channel policy's schedule fired) or {@code manual};
 * {@code policy} is the channel whose policy submitted it ({@code <team>/<channel>/<distro>/<profile>}).
 */
public record Trigger(String kind, UUID refresh, String policy) {
}
