package dev.goldsmith.api;

import java.util.List;
import java.util.Map;

/** {@code POST /api/v1/builds}: what a team asks the farm to build. Absent fields take the farm's defaults. */
public record BuildRequest(
        String distro,
        String profile,
        String installer,
        Map<String, String> answers,
        List<String> formats,
        Source source,
        String tests,
        String channel,
        Integer priority,
        Map<String, String> labels,
        String timeout,
        String accel,
        String arch,
        List<String> workerLabels,
        Boolean force) {
}
