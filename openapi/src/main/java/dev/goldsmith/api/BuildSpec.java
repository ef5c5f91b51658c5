package dev.goldsmith.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a worker needs to run a build. Unlike {@link BuildView}, {@code answers} includes secret values:
 * the worker writes them into the seed disk and nowhere else. {@code installer} is what the request named;
 * {@code installerMedium} the registered medium it resolved to.
 */
public record BuildSpec(
        UUID buildId,
        int attempt,
        String distro,
        String profile,
        String installer,
        InstallerMedium installerMedium,
        Map<String, String> answers,
        List<String> secretKeys,
        List<String> formats,
        Source source,
        String tests,
        String imageName,
        Duration timeout) {
}
