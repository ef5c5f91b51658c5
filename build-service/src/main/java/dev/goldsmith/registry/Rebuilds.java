package dev.goldsmith.registry;

import dev.goldsmith.builds.BuildSubmissionService;
import dev.goldsmith.builds.BuildSubmissionService.Rebuild;
import dev.goldsmith.builds.Submission;
import dev.goldsmith.installers.InstallerRefreshed;
import dev.goldsmith.installers.InstallerRefreshes;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.registry.persistence.ImageRecords;
import dev.goldsmith.registry.persistence.PolicyRecords;
import dev.goldsmith.registry.persistence.PolicyRecords.Policy;
import dev.goldsmith.scheduling.Schedules;
import dev.goldsmith.security.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The rebuilds channel policies submit. When a refresh registers a new medium under the name a channel's version
 * was built from, a policy with {@code rebuild: on-refresh} rebuilds that version with it; a policy's schedule
 * rebuilds it when it fires; a promoter may ask for one. A rebuild is the version's request again, with the
 * policy's secrets, for the channel's team, promoting on success when the policy says so. Every replica
 * reconciles on a timer too, so a refresh whose event was lost (a replica that stopped) is still acted on; a
 * refresh rebuilds a version at most once (the database refuses a second), a schedule fires once per slot.
 */
@Component
public class Rebuilds {

    private static final Logger log = LoggerFactory.getLogger(Rebuilds.class);

    private final PolicyRecords policies;
    private final ImageRecords images;
    private final PolicySecrets secrets;
    private final BuildSubmissionService submissions;
    private final InstallerRefreshes refreshes;
    private final Schedules schedules;
    private final Channels channels;
    private final MeterRegistry meters;

    Rebuilds(PolicyRecords policies, ImageRecords images, PolicySecrets secrets, BuildSubmissionService submissions,
            InstallerRefreshes refreshes, Schedules schedules, Channels channels, MeterRegistry meters) {
        this.policies = policies;
        this.images = images;
        this.secrets = secrets;
        this.submissions = submissions;
        this.refreshes = refreshes;
        this.schedules = schedules;
        this.channels = channels;
        this.meters = meters;
    }

    @EventListener
    void refreshed(InstallerRefreshed refreshed) {
        log.info("Refresh {} registered {} for {}: rebuilding what channel policies ask", refreshed.refreshId(),
                refreshed.currentSha256(), refreshed.installer());
        reconcile();
    }

    /** Acts on every refresh no policy has acted on yet, and fires the policies' schedules that are due. */
    @Scheduled(fixedDelayString = "${goldsmith.refresh.schedule-check-interval:10s}", initialDelayString = "5s")
    void reconcileAndFireSchedules() {
        try {
            reconcile();
            fireSchedules();
        } catch (RuntimeException e) {
            log.warn("Channel policies could not be acted on; trying again: {}", e.toString());
        }
    }

    synchronized void reconcile() {
        for (Policy policy : policies.rebuildingOnRefresh()) {
            ChannelKey key = policy.key();
            Optional<Image> image = images.findByChannel(key.team(), key.channel(), key.distro(), key.profile())
                    .filter(i -> !i.revoked());
            if (image.isEmpty() || image.get().installer() == null) {
                continue;
            }
            refreshes.latestRefreshed(image.get().installer())
                    .filter(r -> !r.id().equals(policy.lastRefresh()))
                    .filter(r -> !r.current().sha256().equals(image.get().installerSha256()))
                    .filter(r -> r.finishedAt().isAfter(image.get().createdAt()))
                    .ifPresent(r -> submit(policy, image.get(), "refresh", r.id()));
        }
    }

    private void fireSchedules() {
        for (Policy policy : policies.scheduled()) {
            if (schedules.claimDue(ChannelPolicies.scheduleName(policy.key()), Schedules.parse(policy.schedule()))
                    .isEmpty()) {
                continue;
            }
            ChannelKey key = policy.key();
            Optional<Image> image = images.findByChannel(key.team(), key.channel(), key.distro(), key.profile())
                    .filter(i -> !i.revoked());
            if (image.isPresent()) {
                submit(policy, image.get(), "schedule", null);
            } else {
                policies.recordRebuild(key, null, "schedule", null, "the channel points at no image to rebuild");
            }
        }
    }

    /** A rebuild a promoter asked for: the channel's version, the way its policy (or, without one, manual) says. */
    public Submission manual(Caller caller, String team, String channel, String distro, String profile) {
        ChannelKey key = channels.key(caller, team, channel, distro, profile);
        Image image = images.findByChannel(key.team(), key.channel(), key.distro(), key.profile())
                .filter(i -> !i.revoked())
                .orElseThrow(() -> ApiException.conflict("Channel " + key + " points at no image to rebuild."));
        Policy policy = policies.find(key).orElse(new Policy(key, "never", null, "manual", java.util.List.of(), null,
                caller.actor(), null, null, null, null, null, null));
        Submission submission = submission(policy, image, "manual", null, "manual:" + caller.actor());
        if (policies.find(key).isPresent()) {
            policies.recordRebuild(key, submission.build().id(), "manual", null, null);
        }
        return submission;
    }

    private void submit(Policy policy, Image image, String trigger, UUID refresh) {
        ChannelKey key = policy.key();
        try {
            Submission submission = submission(policy, image, trigger, refresh, "policy:" + key);
            policies.recordRebuild(key, submission.build().id(), trigger, refresh, null);
            log.info("Channel {} rebuilds {} ({}): build {}{}", key, image.name(), trigger, submission.build().id(),
                    submission.created() ? "" : " (answered from the cache)");
        } catch (ApiException | IllegalArgumentException | IllegalStateException e) {
            meters.counter("goldsmith.rebuilds.refused", "trigger", trigger).increment();
            policies.recordRebuild(key, null, trigger, refresh, e.getMessage());
            log.warn("Channel {} could not rebuild {} ({}): {}", key, image.name(), trigger, e.getMessage());
        }
    }

    private Submission submission(Policy policy, Image image, String trigger, UUID refresh, String actor) {
        ChannelKey key = policy.key();
        return submissions.rebuild(new Rebuild(image.buildId(), key.team(), actor, trigger, refresh, key.toString(),
                "on-success".equals(policy.promote()) ? key.channel() : null, secrets.open(key, policy.secrets())));
    }
}
