package dev.goldsmith.queue;

import java.util.List;
import java.util.UUID;

/**
 * A live lease the calling worker holds: which build and which attempt its reports belong to, whether the build
 * was asked to cancel when the lease was read, and the build's secret values, which nothing a worker reports may
 * echo back. {@link #toString()} leaves the secrets out.
 */
public record LeaseContext(UUID leaseId, UUID buildId, int attempt, UUID workerId, boolean cancelRequested,
        List<String> secretValues) {

    @Override
    public String toString() {
        return "LeaseContext[leaseId=" + leaseId + ", buildId=" + buildId + ", attempt=" + attempt + ", workerId="
                + workerId + ", cancelRequested=" + cancelRequested + ", secretValues=<" + secretValues.size()
                + " hidden>]";
    }
}
