package dev.goldsmith.registry;

import dev.goldsmith.api.ChannelView;
import dev.goldsmith.api.PromoteRequest;
import dev.goldsmith.audit.AuditTrail;
import dev.goldsmith.builds.BuildDefaults;
import dev.goldsmith.builds.BuildSucceeded;
import dev.goldsmith.builds.CacheHitPromotions;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.FieldViolation;
import dev.goldsmith.registry.persistence.ChannelRecords;
import dev.goldsmith.registry.persistence.ImageRecords;
import dev.goldsmith.security.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Channels point at image versions. Each team has its own channels per distro and profile; assigning one keeps
 * the earlier assignments as history (what revocation falls back on) and is audited.
 */
@Service
public class Channels implements CacheHitPromotions {

    static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern TEAM = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");

    private final ImageRecords images;
    private final ChannelRecords channels;
    private final AuditTrail audit;

    Channels(ImageRecords images, ChannelRecords channels, AuditTrail audit) {
        this.images = images;
        this.channels = channels;
        this.audit = audit;
    }

    /**
     * Points the channel at a version the caller may see. A revoked version, or one of another distro or
     * profile, is a conflict: the channel keeps pointing where it did.
     */
    @Transactional
    public ChannelView promote(Caller caller, String team, String channel, String distro, String profile,
            PromoteRequest request) {
        ChannelKey key = key(caller, team, channel, distro, profile);
        if (request.image() == null || request.image().isBlank()) {
            throw ApiException.invalid("image", "is required: the name of an image version");
        }
        String name = request.image();
        if (!ImageCatalog.NAME.matcher(name).matches()) {
            throw ImageCatalog.notFound(name);
        }
        // Held until commit: a revocation that starts meanwhile waits, then moves this channel off again.
        Image image = images.findVisibleForShare(name, caller.team(), caller.isAdmin())
                .orElseThrow(() -> ImageCatalog.notFound(name));
        if (image.revoked()) {
            throw ApiException.conflict("Image version " + name + " was revoked (" + image.revokeReason()
                    + "); it cannot be promoted.");
        }
        if (!image.distro().equals(key.distro()) || !image.profile().equals(key.profile())) {
            throw ApiException.conflict("Image version " + name + " is " + image.distro() + "/" + image.profile()
                    + ", not " + key.distro() + "/" + key.profile() + ".");
        }
        Optional<ChannelView> now = channels.current(key);
        if (now.isPresent() && name.equals(now.get().image())) {
            return now.get();
        }
        ChannelView assigned = channels.assign(key, name, "PROMOTE", caller.actor(), null);
        audit.record(caller.actor(), caller.team(), "channel.promote", "channel:" + key,
                "image=" + name + now.map(v -> " previous=" + v.image()).orElse(""));
        return assigned;
    }

    /**
     * A build's {@code channel}: the farm promotes the new version for the build's team, as the build, or as the
     * channel policy that submitted it (a rebuild that passed every check, with its provenance signed).
     */
    void promoteBuild(BuildSucceeded build) {
        ChannelKey key = new ChannelKey(build.team(), build.channel(), build.distro(), build.profile());
        String actor = build.policy() != null ? "policy:" + build.policy() : "build:" + build.buildId();
        Optional<ChannelView> now = channels.current(key);
        channels.assign(key, build.imageName(), "PROMOTE", actor, build.policy() != null
                ? "rebuild " + build.buildId() + " passed" : "requested by the build");
        audit.record(actor, build.team(), "channel.promote", "channel:" + key,
                "image=" + build.imageName() + now.map(v -> " previous=" + v.image()).orElse("")
                        + (build.policy() != null ? " (rebuild " + build.buildId() + ", policy on-success)"
                                : " (build channel)"));
    }

    /**
     * A submission answered from the cache that named a channel: the channel moves to the earlier build's image
     * for the caller's team, audited as the caller (the image is the team's own and not revoked; the cache never
     * answers with a revoked one).
     */
    @Override
    public ChannelView promote(String team, String actor, String channel, CacheHitPromotions.CachedImage image) {
        ChannelKey key = new ChannelKey(team, channel, image.distro(), image.profile());
        Optional<ChannelView> now = channels.current(key);
        if (now.isPresent() && image.imageName().equals(now.get().image())) {
            return now.get();
        }
        ChannelView assigned = channels.assign(key, image.imageName(), "PROMOTE", actor,
                "cache hit: build " + image.buildId());
        audit.record(actor, team, "channel.promote", "channel:" + key, "image="
                + image.imageName() + now.map(v -> " previous=" + v.image()).orElse("") + " (cache hit)");
        return assigned;
    }

    /**
     * Moves every channel on a version just revoked back to the newest version earlier assigned to it that is not
     * revoked, or clears it when there is none.
     */
    void moveOff(String image, Caller caller) {
        for (ChannelKey key : channels.pointingAtForUpdate(image)) {
            Optional<String> back = channels.lastGood(key);
            String detail = "image " + image + " revoked";
            channels.assign(key, back.orElse(null), back.isPresent() ? "ROLLBACK" : "CLEAR", caller.actor(), detail);
            audit.record(caller.actor(), caller.team(), back.isPresent() ? "channel.rollback" : "channel.clear",
                    "channel:" + key, "from=" + image + back.map(b -> " to=" + b).orElse(""));
        }
    }

    /**
     * The channel a request names. Channels belong to the caller's team; only admin may name another team's.
     */
    ChannelKey key(Caller caller, String team, String channel, String distro, String profile) {
        List<FieldViolation> errors = new ArrayList<>();
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            errors.add(new FieldViolation("channel", "must be a lowercase letter, then up to 31 of a-z 0-9 -"));
        }
        if (!BuildDefaults.DISTROS.contains(distro)) {
            errors.add(new FieldViolation("distro", "must be one of " + String.join(", ", BuildDefaults.DISTROS)));
        }
        if (!BuildDefaults.PROFILES.contains(profile)) {
            errors.add(new FieldViolation("profile", "must be one of " + String.join(", ", BuildDefaults.PROFILES)));
        }
        if (team != null && !TEAM.matcher(team).matches()) {
            errors.add(new FieldViolation("team", "must be 1-64 lowercase letters, digits and dashes"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        if (team != null && !team.equals(caller.team()) && !caller.isAdmin()) {
            throw ApiException.forbidden("Only admin may name another team's channels.");
        }
        return new ChannelKey(team == null ? caller.team() : team, channel, distro, profile);
    }
}
