package dev.goldsmith.builds;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.BuildRequest;
import dev.goldsmith.api.ChannelView;
import dev.goldsmith.api.Source;
import dev.goldsmith.builds.persistence.BuildEntity;
import dev.goldsmith.builds.persistence.BuildRepository;
import dev.goldsmith.installers.Installer;
import dev.goldsmith.installers.InstallerCatalog;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.queue.QueueNotifier;
import dev.goldsmith.security.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Turns a validated request into a queued build, a cache hit, or the replay of an earlier submission. */
@Service
public class BuildSubmissionService {

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final BuildRequestValidator validator;
    private final Fingerprints fingerprints;
    private final SubmissionLimits limits;
    private final BuildRepository builds;
    private final BuildViews views;
    private final JdbcClient jdbc;
    private final QueueNotifier queue;
    private final InstallerCatalog installers;
    private final CacheHitPromotions promotions;
    private final TransactionTemplate transactions;
    private final GoldsmithProperties properties;
    private final Clock clock;
    private final Counter cacheHits;

    public BuildSubmissionService(BuildRequestValidator validator, Fingerprints fingerprints, SubmissionLimits limits, BuildRepository builds,
            BuildViews views, JdbcClient jdbc, QueueNotifier queue, InstallerCatalog installers,
            CacheHitPromotions promotions, TransactionTemplate transactions, GoldsmithProperties properties, Clock clock, MeterRegistry meters) {
        this.validator = validator;
        this.fingerprints = fingerprints;
        this.limits = limits;
        this.builds = builds;
        this.views = views;
        this.jdbc = jdbc;
        this.queue = queue;
        this.installers = installers;
        this.promotions = promotions;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
        this.cacheHits = Counter.builder("goldsmith.builds.cache.hits")
                .description("Submissions answered with an earlier succeeded build of the same inputs")
                .register(meters);
    }

    public Submission submit(Caller caller, BuildRequest request, String idempotencyKey) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw ApiException.invalid("Idempotency-Key", "must be 1-128 of A-Z a-z 0-9 . _ : -");
        }
        ValidatedRequest valid = validator.validate(request);
        String requestHash = fingerprints.ofRequest(valid);
        Outcome outcome;
        try {
            outcome = transactions.execute(status -> submitValidated(caller.team(), caller.actor(), valid,
                    idempotencyKey, requestHash, null));
        } catch (DataIntegrityViolationException raced) {
            // Another replica stored the same Idempotency-Key first: answer with its build.
            if (idempotencyKey == null) {
                throw raced;
            }
            outcome = transactions.execute(status -> replay(caller.team(), idempotencyKey, requestHash)
                    .orElseThrow(() -> raced));
        }
        return answer(outcome);
    }

    /**
     * Submits a rebuild of an earlier build the way its channel's policy asks: the same request, now resolving
     * its installer's name to the medium registered under it, with the policy's secrets and channel. Cached like
     * any build. A refresh rebuilds a build once: a second submission for the same refresh (another replica)
     * answers with the first.
     */
    public Submission rebuild(Rebuild rebuild) {
        BuildEntity original = builds.findById(rebuild.original())
                .orElseThrow(() -> new IllegalArgumentException("no build " + rebuild.original()));
        ValidatedRequest valid = validator.validate(requestOf(original, rebuild));
        Map<String, String> digests = fingerprints.secretDigests(valid);
        String darksite = installers.resolve("sha256:" + valid.installerSha256()).map(Installer::darksite)
                .orElse(null);
        List<String> changed = BuildInputs.of(valid, darksite, digests).changesSince(BuildInputs.of(original))
                .stream().map(dev.goldsmith.api.InputChange::field).toList();
        RebuildMark mark = new RebuildMark(original.getId(), rebuild.trigger(), rebuild.refresh(), rebuild.policy(),
                changed);
        Outcome outcome;
        try {
            outcome = transactions.execute(status -> submitValidated(rebuild.team(), rebuild.actor(), valid,
                    null, fingerprints.ofRequest(valid), mark));
        } catch (DataIntegrityViolationException raced) {
            outcome = builds.findRebuild(original.getId(), rebuild.refresh()).map(b -> Outcome.of(b.getId(), false))
                    .orElseThrow(() -> raced);
        }
        return answer(outcome);
    }

    /**
     * A rebuild to submit: of {@code original}, for {@code team} (the channel's, whose image may have been shared
     * by another), by {@code actor} (the policy), for {@code trigger} ({@code refresh}, {@code schedule},
     * {@code manual}), promoting to {@code channel} on success (or null), with the {@code secrets} the policy holds.
     */
    public record Rebuild(UUID original, String team, String actor, String trigger, UUID refresh, String policy,
            String channel, Map<String, String> secrets) {

        @Override
        public String toString() {
            return "Rebuild[original=" + original + ", team=" + team + ", trigger=" + trigger + ", policy=" + policy + ", secrets=<"
                    + secrets.size() + " hidden>]";
        }
    }

    private record RebuildMark(UUID original, String trigger, UUID refresh, String policy, List<String> changed) {
    }

    private static BuildRequest requestOf(BuildEntity original, Rebuild rebuild) {
        Map<String, String> answers = new TreeMap<>(original.getAnswers());
        answers.putAll(rebuild.secrets());
        String installer = original.getInstallerName() != null ? original.getInstallerName()
                : original.getInstaller();
        return new BuildRequest(original.getDistro(), original.getProfile(), installer, answers,
                original.getFormats(), new Source(original.getSourceRepository(), original.getSourceCommit()),
                original.getTests(), rebuild.channel(), original.getPriority(), original.getLabels(),
                java.time.Duration.ofSeconds(original.getTimeoutSeconds()).toString(), original.getAccel(),
                original.getArch(), original.getWorkerLabels(), false);
    }

    private Submission answer(Outcome outcome) {
        // The view is read after commit, so the NOTIFY has already woken the claimers.
        BuildEntity build = builds.findById(outcome.buildId()).orElseThrow();
        if (outcome.cached()) {
            cacheHits.increment();
        }
        return new Submission(outcome.cached() ? views.cached(build, outcome.promoted()) : views.of(build),
                outcome.created());
    }

    private record Outcome(UUID buildId, boolean cached, boolean created, ChannelView promoted) {

        static Outcome of(UUID buildId, boolean created) {
            return new Outcome(buildId, false, created, null);
        }
    }

    private Outcome submitValidated(String team, String actor, ValidatedRequest valid, String idempotencyKey,
            String requestHash, RebuildMark rebuild) {
        if (idempotencyKey != null) {
            Optional<Outcome> earlier = replay(team, idempotencyKey, requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        String fingerprint = fingerprints.of(valid);
        if (!valid.force()) {
            // A revoked image is no answer: the same inputs are built again.
            Optional<BuildEntity> hit = builds.findReusable(team, fingerprint);
            if (hit.isPresent()) {
                BuildEntity earlier = hit.get();
                // A hit still does what the request asked: its channel moves to the image it is answered with.
                ChannelView promoted = valid.channel() == null ? null : promotions.promote(team, actor,
                        valid.channel(), new CacheHitPromotions.CachedImage(earlier.getId(), earlier.getImageName(),
                                earlier.getDistro(), earlier.getProfile()));
                return new Outcome(earlier.getId(), true, false, promoted);
            }
        }
        Installer installer = installers.holdForBuild(valid.installerName(), valid.installerSha256())
                .orElseThrow(() -> ApiException.conflict("Installer '" + valid.installerName() + "' changed or was "
                        + "deleted while the build was submitted; submit again."));
        if (rebuild == null) {
            // A policy's rebuilds are bounded by the team's channels; only what people submit is limited.
            limits.admit(team);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String imageName = reserveImageName(valid, LocalDate.ofInstant(now, ZoneOffset.UTC));
        BuildEntity build = new BuildEntity(UUID.randomUUID(), team, valid.distro(), valid.profile(),
                valid.installer(), valid.installerName(), valid.installerSha256(), installer.darksite(),
                valid.answers(), List.copyOf(valid.secrets().keySet()), valid.formats(),
                valid.sourceRepository(), valid.sourceCommit(), valid.tests(), valid.channel(), valid.priority(),
                valid.labels(), valid.timeout().toSeconds(), valid.accel(), valid.arch(), valid.workerLabels(),
                fingerprint, imageName, idempotencyKey, requestHash, properties.maxAttempts(), now)
                .withSecretDigests(fingerprints.secretDigests(valid));
        if (rebuild != null) {
            build.asRebuild(rebuild.original(), rebuild.trigger(), rebuild.refresh(), rebuild.policy(),
                    rebuild.changed());
        }
        builds.saveAndFlush(build);
        valid.secrets().forEach((key, value) -> jdbc
                .sql("insert into build_secrets (build_id, key, value) values (?, ?, ?)")
                .params(build.getId(), key, value)
                .update());
        queue.buildQueued();
        return Outcome.of(build.getId(), true);
    }

    private Optional<Outcome> replay(String team, String idempotencyKey, String requestHash) {
        return builds.findByTeamAndIdempotencyKey(team, idempotencyKey).map(earlier -> {
            if (!requestHash.equals(earlier.getRequestHash())) {
                throw ApiException.conflict("Idempotency-Key '" + idempotencyKey
                        + "' was used for a different request (build " + earlier.getId() + ").");
            }
            return Outcome.of(earlier.getId(), false);
        });
    }

    /** Serialised per base name across replicas by an advisory lock, so two builds never share a name. */
    private String reserveImageName(ValidatedRequest valid, LocalDate day) {
        String base = ImageNames.base(valid.distro(), valid.profile(), day, valid.sourceCommit());
        jdbc.sql("select 1 from pg_advisory_xact_lock(hashtext(?))").param(base).query(Integer.class).single();
        for (int n = 1; ; n++) {
            String name = ImageNames.nth(base, n);
            if (!builds.imageNameTaken(name)) {
                return name;
            }
        }
    }
}
