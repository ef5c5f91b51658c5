package dev.goldsmith.builds;

import dev.goldsmith.api.BuildView;
import dev.goldsmith.api.ChannelView;
import dev.goldsmith.api.Failure;
import dev.goldsmith.api.Source;
import dev.goldsmith.api.Trigger;
import dev.goldsmith.builds.persistence.BuildEntity;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.queue.SchedulingExplainer;
import java.time.Duration;
import java.util.List;
import org.springframework.stereotype.Component;

/** Maps a stored build to what the API shows; secret values are not even loaded. */
@Component
public class BuildViews {

    private final BuildRecords records;
    private final SchedulingExplainer explainer;

    public BuildViews(BuildRecords records, SchedulingExplainer explainer) {
        this.records = records;
        this.explainer = explainer;
    }

    public BuildView of(BuildEntity build) {
        return view(build, false, null, true);
    }

    /** The succeeded build a submission was answered with, and the channel it promoted, if it named one. */
    public BuildView cached(BuildEntity build, ChannelView promoted) {
        return view(build, true, promoted, true);
    }

    /** The lighter form used in history pages: no stages or artifacts, no scheduling explanation. */
    public BuildView summary(BuildEntity build) {
        return view(build, false, null, false);
    }

    private BuildView view(BuildEntity b, boolean cached, ChannelView promoted, boolean detailed) {
        Failure failure = b.getFailureCode() == null ? null
                : new Failure(b.getFailureCode(), b.getFailureReason(), b.getFailureStage(),
                        Boolean.TRUE.equals(b.getFailureRetryable()));
        String reason = detailed && b.getStatus().equals("QUEUED")
                ? explainer.explain(new SchedulingExplainer.QueuedBuild(b.getId(), b.getArch(), b.getAccel(),
                        b.getWorkerLabels(), b.getPriority(), b.getCreatedAt()))
                : null;
        return new BuildView(b.getId(), b.getTeam(), b.getStatus(), cached, promoted, b.getDistro(), b.getProfile(),
                b.getInstaller(), b.getAnswers(), b.getSecretKeys(), b.getFormats(),
                new Source(b.getSourceRepository(), b.getSourceCommit()), b.getTests(), b.getChannel(),
                b.getPriority(), b.getLabels(), Duration.ofSeconds(b.getTimeoutSeconds()).toString(), b.getAccel(),
                b.getArch(), b.getWorkerLabels(), b.getFingerprint(), b.getImageName(), b.getAttempt(),
                b.getMaxAttempts(), b.getWorkerId() == null ? null : b.getWorkerId().toString(),
                detailed ? records.workerName(b.getWorkerId()).orElse(null) : null, reason, b.isCancelRequested(),
                failure, detailed ? records.stages(b.getId()) : List.of(),
                detailed ? records.artifacts(b.getId()) : List.of(), b.getCreatedAt(), b.getStartedAt(),
                b.getFinishedAt(), b.getKind(), b.getTriggerKind() == null ? null
                        : new Trigger(b.getTriggerKind(), b.getTriggerRefresh(), b.getTriggerPolicy()),
                b.getRebuildOf(), b.getChangedInputs());
    }
}
