package dev.goldsmith.builds;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A build request that passed validation, with the farm's defaults filled in and secrets split off.
 * {@code installer} is what the request named; {@code installerName} and {@code installerSha256} the registered
 * medium it resolved to.
 */
public record ValidatedRequest(
        String distro,
        String profile,
        String installer,
        String installerName,
        String installerSha256,
        SortedMap<String, String> answers,
        SortedMap<String, String> secrets,
        List<String> formats,
        String sourceRepository,
        String sourceCommit,
        String tests,
        String channel,
        int priority,
        Map<String, String> labels,
        Duration timeout,
        String accel,
        String arch,
        List<String> workerLabels,
        boolean force) {
}
