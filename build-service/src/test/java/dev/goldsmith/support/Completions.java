package dev.goldsmith.support;

import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.InstalledPackage;
import dev.goldsmith.api.MediumResult;
import java.util.List;

/**
 * Test data for {@code complete}: a success (its artifacts must be uploaded first, see
 * {@code ServiceTest.Worker#uploadAndSucceed}), a success that also lists artifacts, or a failure.
 */
public final class Completions {

    private static final List<CheckResult> CHECKS =
            List.of(new CheckResult("ssh-listening", "ss -ltn", 0, true, "LISTEN 0.0.0.0:22", 12));
    private static final List<InstalledPackage> PACKAGES = List.of(
            new InstalledPackage("busybox-static", "1:1.35.0-4+b3", "amd64"),
            new InstalledPackage("linux-image-6.1.0-56-cloud-amd64", "6.1.192-2", "amd64"));

    private Completions() {
    }

    public static CompleteRequest aSuccess() {
        return new CompleteRequest("SUCCEEDED", null, null, null, null, null, CHECKS, PACKAGES);
    }

    public static CompleteRequest aSuccessListing(List<ArtifactView> artifacts) {
        return new CompleteRequest("SUCCEEDED", null, null, null, null, artifacts, CHECKS, PACKAGES);
    }

    public static CompleteRequest aSuccessWithPackages(List<InstalledPackage> packages) {
        return new CompleteRequest("SUCCEEDED", null, null, null, null, null, CHECKS, packages);
    }

    public static CompleteRequest aFailure(String code, boolean retryable) {
        return new CompleteRequest("FAILED", code, "INSTALL", "installer printed an error", retryable, null, null,
                null);
    }

    /** A medium job's success: {@code UNCHANGED} or {@code BUILT} (its outputs uploaded first), with its lock. */
    public static CompleteRequest aMediumJobSuccess(String result, String lock) {
        return new CompleteRequest("SUCCEEDED", null, null, null, null, null, List.of(), null,
                new MediumResult(result, lock));
    }

    public static CompleteRequest aCancellation() {
        return new CompleteRequest("CANCELLED", null, null, null, null, null, null, null);
    }
}
