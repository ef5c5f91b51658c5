package dev.goldsmith.builds;

import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.Source;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Published inside the transaction that ends a build SUCCEEDED, so a listener that fails (the registry cannot
 * record the image) rolls the completion back. {@code answers} holds no secret, not even a secret's name. The
 * digests are those of the archived log and test report ({@code testReportSha256} null when no check ran) and of
 * the SBOM stored beside the image, and of the file manifest the TEST stage stored ({@code manifestSha256}, null
 * when the worker stored none).
 * {@code installer} is what the request named; {@code installerName} and {@code installerSha256} the registered
 * medium it was built from; {@code darksite} the digest of the darksite that medium carried and
 * {@code darksitePackages} how many packages its lock pins (null and 0 when it carried none).
 * {@code channel} is the channel to promote to: null when the request named none, and when cancellation was
 * asked while the worker was already storing (the build succeeds, since its image is whole and verified, but
 * nobody promotes what its team tried to stop). {@code policy} names the channel whose policy submitted the build
 * (a rebuild), else null: the promotion is then the policy's.
 */
public record BuildSucceeded(
        UUID buildId,
        String team,
        String distro,
        String profile,
        String installer,
        String installerName,
        String installerSha256,
        String darksite,
        int darksitePackages,
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
        List<CheckResult> checks,
        String logSha256,
        String testReportSha256,
        String sbomSha256,
        String manifestSha256,
        String policy) {
}
