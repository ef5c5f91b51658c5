package dev.goldsmith.builds;

import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.Source;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Published inside the transaction that ends a build SUCCEEDED, so a listener that fails (the registry cannot
 * record the image) rolls the completion back. {@code answers} holds no secret, not even a secret's name.
 */
public record BuildSucceeded(
        UUID buildId,
        String team,
        String distro,
        String profile,
        String installer,
        Map<String, String> answers,
        List<String> formats,
        Source source,
        String tests,
        String arch,
        String fingerprint,
        String imageName,
        String channel,
        int attempt,
        String workerName,
        Instant startedAt,
        Instant finishedAt,
        List<CheckResult> checks) {
}
