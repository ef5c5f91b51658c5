package dev.goldsmith.artifacts;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code objectStore} in the health groups: up while the bucket exists and answers. Part of readiness, so a
 * replica whose store is gone stops getting traffic it could not serve (uploads, downloads, provenance).
 */
@Component("objectStoreHealthIndicator")
class ObjectStoreHealthIndicator implements HealthIndicator {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final ObjectStore store;

    ObjectStoreHealthIndicator(ObjectStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        return store.bucketReachable(TIMEOUT) ? Health.up().build() : Health.down().build();
    }
}
