package dev.goldsmith.queue;

import java.util.UUID;

/** A live lease the calling worker holds: which build and which attempt its reports belong to. */
public record LeaseContext(UUID leaseId, UUID buildId, int attempt, UUID workerId) {
}
