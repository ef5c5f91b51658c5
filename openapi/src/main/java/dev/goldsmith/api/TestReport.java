package dev.goldsmith.api;

import java.util.List;
import java.util.UUID;

/** {@code GET /api/v1/builds/{id}/tests}: the checks of the build's last attempt that ran its tests. */
public record TestReport(UUID buildId, int attempt, int passed, int failed, List<CheckResult> checks) {
}
