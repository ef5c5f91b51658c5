package dev.goldsmith.api;

import java.time.Instant;
import java.util.UUID;

/** A claimed build: the worker owns it until {@code expiresAt} unless it heartbeats. */
public record Lease(UUID leaseId, Instant expiresAt, BuildSpec build) {
}
