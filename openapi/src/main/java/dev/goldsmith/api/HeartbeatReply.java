package dev.goldsmith.api;

import java.time.Instant;

/** The extended lease, and whether someone asked to cancel the build. */
public record HeartbeatReply(Instant expiresAt, boolean cancel) {
}
