package dev.goldsmith.api;

import java.util.List;

/**
 * {@code POST /api/v1/leases/{leaseId}/complete}. {@code outcome} is SUCCEEDED, FAILED or CANCELLED; a
 * failure names its {@code code}, {@code stage}, {@code reason} and whether another attempt could help. A success
 * lists the {@code packages} the TEST stage found installed in the image (its SBOM); a medium job's success says
 * how it ended in {@code medium}.
 */
public record CompleteRequest(String outcome, String code, String stage, String reason, Boolean retryable,
        List<ArtifactView> artifacts, List<CheckResult> checks, List<InstalledPackage> packages,
        MediumResult medium) {

    /** An image build's completion. */
    public CompleteRequest(String outcome, String code, String stage, String reason, Boolean retryable,
            List<ArtifactView> artifacts, List<CheckResult> checks, List<InstalledPackage> packages) {
        this(outcome, code, stage, reason, retryable, artifacts, checks, packages, null);
    }
}
