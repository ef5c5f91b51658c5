package dev.goldsmith.queue;

import java.time.Instant;
import java.util.UUID;

/** A build a worker now holds under a lease. */
public record Claim(UUID buildId, int attempt, UUID leaseId, Instant expiresAt) {
}
