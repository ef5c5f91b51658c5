package dev.goldsmith.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A build as the public API shows it. {@code answers} never holds a secret value: secret keys are
 * listed by name in {@code secretKeys} only. {@code promotedTo} is set on the answer to a submission that was a
 * cache hit and named a {@code channel}: where that channel points now (at this build's image). {@code kind} is
 * {@code IMAGE} or {@code MEDIUM} (the farm refreshing a reference medium). A rebuild a channel policy submitted
 * carries its {@code trigger}, the build it rebuilds ({@code rebuildOf}) and the inputs that differ from that
 * build's ({@code changedInputs}).
 */
public record BuildView(
        UUID id,
        String team,
        String status,
        boolean cached,
        ChannelView promotedTo,
        String distro,
        String profile,
        String installer,
        Map<String, String> answers,
        List<String> secretKeys,
        List<String> formats,
        Source source,
        String tests,
        String channel,
        int priority,
        Map<String, String> labels,
        String timeout,
        String accel,
        String arch,
        List<String> workerLabels,
        String fingerprint,
        String imageName,
        int attempt,
        int maxAttempts,
        String workerId,
        String workerName,
        String notScheduledReason,
        boolean cancelRequested,
        Failure failure,
        List<StageView> stages,
        List<ArtifactView> artifacts,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String kind,
        Trigger trigger,
        UUID rebuildOf,
        List<String> changedInputs) {
}
