package dev.goldsmith.registry;

import dev.goldsmith.api.ChannelPolicy;
import dev.goldsmith.api.ChannelPolicyRequest;
import dev.goldsmith.api.ChannelState;
import dev.goldsmith.api.RebuildView;
import dev.goldsmith.audit.AuditTrail;
import dev.goldsmith.builds.AnswerRules;
import dev.goldsmith.builds.BuildQueries;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.FieldViolation;
import dev.goldsmith.registry.persistence.ChannelRecords;
import dev.goldsmith.registry.persistence.PolicyRecords;
import dev.goldsmith.registry.persistence.PolicyRecords.Policy;
import dev.goldsmith.scheduling.Schedules;
import dev.goldsmith.security.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a channel does by itself: rebuild its version when the medium it was built from is refreshed (or on a
 * schedule), and promote a rebuild that passed, or leave that to people. A policy belongs to the channel's team;
 * its secret answers are write-only and sealed ({@link PolicySecrets}).
 */
@Service
public class ChannelPolicies {

    public static final List<String> REBUILDS = List.of("on-refresh", "never");
    public static final List<String> PROMOTIONS = List.of("on-success", "manual");
    private static final int MAX_SECRETS = 16;
    private static final int MAX_SECRET_LENGTH = 1024;
    private static final int MAX_SCHEDULE_LENGTH = 120;

    private final Channels channels;
    private final ChannelRecords channelRecords;
    private final PolicyRecords policies;
    private final PolicySecrets secrets;
    private final BuildQueries builds;
    private final Schedules schedules;
    private final AuditTrail audit;

    ChannelPolicies(Channels channels, ChannelRecords channelRecords, PolicyRecords policies, PolicySecrets secrets,
            BuildQueries builds, Schedules schedules, AuditTrail audit) {
        this.channels = channels;
        this.channelRecords = channelRecords;
        this.policies = policies;
        this.secrets = secrets;
        this.builds = builds;
        this.schedules = schedules;
        this.audit = audit;
    }

    @Transactional
    public ChannelPolicy put(Caller caller, String team, String channel, String distro, String profile,
            ChannelPolicyRequest request) {
        ChannelKey key = channels.key(caller, team, channel, distro, profile);
        if (request == null) {
            throw ApiException.invalid("rebuild", "is required: on-refresh or never");
        }
        List<FieldViolation> errors = new ArrayList<>();
        if (request.rebuild() == null || !REBUILDS.contains(request.rebuild())) {
            errors.add(new FieldViolation("rebuild", "must be one of " + String.join(", ", REBUILDS)));
        }
        if (request.promote() == null || !PROMOTIONS.contains(request.promote())) {
            errors.add(new FieldViolation("promote", "must be one of " + String.join(", ", PROMOTIONS)));
        }
        String schedule = request.schedule() == null || request.schedule().isBlank() ? null : request.schedule().strip();
        if (schedule != null) {
            scheduleViolation(schedule).ifPresent(errors::add);
        }
        if (request.secrets() != null) {
            errors.addAll(secretViolations(request.secrets()));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        Map<String, String> given = request.secrets();
        boolean replaceSecrets = given != null;
        policies.save(key, request.rebuild(), schedule, request.promote(), replaceSecrets,
                replaceSecrets ? List.copyOf(new java.util.TreeSet<>(given.keySet())) : List.of(),
                replaceSecrets && !given.isEmpty() ? secrets.seal(key, given) : null, caller.actor());
        schedules.forget(scheduleName(key));
        audit.record(caller.actor(), caller.team(), "channel.policy.set", "channel:" + key, "rebuild="
                + request.rebuild() + " promote=" + request.promote() + (schedule == null ? "" : " schedule=" + schedule)
                + (given == null ? "" : " secrets=" + given.keySet()));
        return view(policies.find(key).orElseThrow());
    }

    public ChannelPolicy get(Caller caller, String team, String channel, String distro, String profile) {
        ChannelKey key = channels.key(caller, team, channel, distro, profile);
        return policies.find(key).map(ChannelPolicies::view)
                .orElseThrow(() -> ApiException.notFound("Channel " + key + " has no policy."));
    }

    @Transactional
    public void delete(Caller caller, String team, String channel, String distro, String profile) {
        ChannelKey key = channels.key(caller, team, channel, distro, profile);
        if (!policies.delete(key)) {
            throw ApiException.notFound("Channel " + key + " has no policy.");
        }
        schedules.forget(scheduleName(key));
        audit.record(caller.actor(), caller.team(), "channel.policy.delete", "channel:" + key, "");
    }

    /** The channel, its policy and the last rebuild the policy made, with its outcome. */
    public ChannelState state(Caller caller, String team, String channel, String distro, String profile) {
        ChannelKey key = channels.key(caller, team, channel, distro, profile);
        Optional<Policy> policy = policies.find(key);
        return new ChannelState(channelRecords.current(key).orElse(null), policy.map(ChannelPolicies::view).orElse(null),
                policy.flatMap(this::lastRebuild).orElse(null));
    }

    private Optional<RebuildView> lastRebuild(Policy policy) {
        if (policy.lastAt() == null) {
            return Optional.empty();
        }
        if (policy.lastRebuild() == null) {
            return Optional.of(new RebuildView(null, "NOT_SUBMITTED", policy.lastTrigger(), policy.lastRefresh(), null,
                    null, null, policy.lastFailure(), policy.lastAt()));
        }
        return builds.rebuild(policy.lastRebuild()).map(b -> new RebuildView(b.id(), b.status(), policy.lastTrigger(),
                policy.lastRefresh(), b.rebuildOfImage(), b.imageName(),
                b.rebuildOfImage() == null ? null : diffPath(b.imageName(), b.rebuildOfImage()),
                b.failureCode() == null ? policy.lastFailure() : b.failureCode() + ": " + b.failureReason(),
                b.finishedAt() != null ? b.finishedAt() : policy.lastAt()));
    }

    /** Where the diff between a rebuild's image and the one it replaces is read. */
    public static String diffPath(String image, String against) {
        return "/api/v1/images/" + image + "/diff?against=" + against;
    }

    static String scheduleName(ChannelKey key) {
        return "policy:" + key;
    }

    static ChannelPolicy view(Policy policy) {
        ChannelKey key = policy.key();
        return new ChannelPolicy(key.team(), key.channel(), key.distro(), key.profile(), policy.rebuild(),
                policy.schedule(), policy.promote(), policy.secretKeys(), policy.updatedBy(), policy.updatedAt());
    }

    private static Optional<FieldViolation> scheduleViolation(String schedule) {
        if (schedule.length() > MAX_SCHEDULE_LENGTH) {
            return Optional.of(new FieldViolation("schedule", "must be at most " + MAX_SCHEDULE_LENGTH + " characters"));
        }
        try {
            Schedules.parse(schedule);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(new FieldViolation("schedule", "must be a cron expression of six fields (second minute "
                    + "hour day-of-month month day-of-week, UTC), such as 0 0 4 * * MON: " + e.getMessage()));
        }
    }

    private static List<FieldViolation> secretViolations(Map<String, String> given) {
        List<FieldViolation> errors = new ArrayList<>();
        if (given.size() > MAX_SECRETS) {
            errors.add(new FieldViolation("secrets", "must hold at most " + MAX_SECRETS + " answers"));
            return errors;
        }
        given.forEach((name, value) -> {
            String field = "secrets." + name;
            if (name == null || !AnswerRules.isSecret(name)) {
                errors.add(new FieldViolation(field, "is not a secret answer: a rebuild takes every other answer from "
                        + "the build it repeats"));
            } else if (value == null || value.isEmpty() || value.length() > MAX_SECRET_LENGTH
                    || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                errors.add(new FieldViolation(field, "must be 1 to " + MAX_SECRET_LENGTH
                        + " printable characters"));
            }
        });
        return errors;
    }
}
