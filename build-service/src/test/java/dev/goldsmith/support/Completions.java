package dev.goldsmith.support;

import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.CompleteRequest;
import java.util.List;

/** Test data for {@code complete}: a success with artifacts for the formats, or a failure. */
public final class Completions {

    private Completions() {
    }

    public static CompleteRequest aSuccess(String imageName, List<String> formats) {
        List<ArtifactView> artifacts = formats.stream()
                .map(f -> new ArtifactView(f, imageName + "." + f, "a".repeat(64), 1024L))
                .toList();
        return new CompleteRequest("SUCCEEDED", null, null, null, null, artifacts,
                List.of(new CheckResult("ssh-listening", "ss -ltn", 0, true, "LISTEN 0.0.0.0:22", 12)));
    }

    public static CompleteRequest aFailure(String code, boolean retryable) {
        return new CompleteRequest("FAILED", code, "INSTALL", "installer printed an error", retryable, null, null);
    }

    public static CompleteRequest aCancellation() {
        return new CompleteRequest("CANCELLED", null, null, null, null, null, null);
    }
}
