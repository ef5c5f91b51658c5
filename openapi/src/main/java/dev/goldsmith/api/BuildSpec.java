package dev.goldsmith.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a worker needs to run a build. Unlike {@link BuildView}, {@code answers} includes secret values:
 * the worker writes them into the seed disk and nowhere else. {@code installer} is what the request named;
 * {@code installerMedium} the registered medium it resolved to. {@code kind} is {@code IMAGE}, or {@code MEDIUM}
 * for the farm's refresh of one of its own reference media, described by {@code medium} (null otherwise).
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
        Duration timeout,
        String kind,
        MediumJob medium) {

    public static final String IMAGE = "IMAGE";
    public static final String MEDIUM = "MEDIUM";

    /** An image build's spec. */
    public BuildSpec(UUID buildId, int attempt, String distro, String profile, String installer,
            InstallerMedium installerMedium, Map<String, String> answers, List<String> secretKeys,
            List<String> formats, Source source, String tests, String imageName, Duration timeout) {
        this(buildId, attempt, distro, profile, installer, installerMedium, answers, secretKeys, formats, source,
                tests, imageName, timeout, IMAGE, null);
    }
}
