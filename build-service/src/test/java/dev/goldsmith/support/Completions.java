package dev.goldsmith.support;

import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.CompleteRequest;
import java.util.List;

/**
 * Test data for {@code complete}: a success (its artifacts must be uploaded first, see
 * {@code ServiceTest.Worker#uploadAndSucceed}), a success that also lists artifacts, or a failure.
 */
public final class Completions {

    private static final List<CheckResult> CHECKS =
            List.of(new CheckResult("ssh-listening", "ss -ltn", 0, true, "LISTEN 0.0.0.0:22", 12));

    private Completions() {
    }

    public static CompleteRequest aSuccess() {
        return new CompleteRequest("SUCCEEDED", null, null, null, null, null, CHECKS);
    }

    public static CompleteRequest aSuccessListing(List<ArtifactView> artifacts) {
        return new CompleteRequest("SUCCEEDED", null, null, null, null, artifacts, CHECKS);
    }

    public static CompleteRequest aFailure(String code, boolean retryable) {
        return new CompleteRequest("FAILED", code, "INSTALL", "installer printed an error", retryable, null, null);
    }

    public static CompleteRequest aCancellation() {
        return new CompleteRequest("CANCELLED", null, null, null, null, null, null);
    }
}
