package dev.goldsmith.builds;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.InstalledPackage;
import dev.goldsmith.api.LogAck;
import dev.goldsmith.api.LogChunk;
import dev.goldsmith.api.StageReport;
import dev.goldsmith.artifacts.StoredArtifacts;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.FieldViolation;
import dev.goldsmith.queue.LeaseContext;
import dev.goldsmith.queue.Leases;
import dev.goldsmith.queue.QueueNotifier;
import dev.goldsmith.database.UuidArrays;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a worker reports under its lease: stage starts and ends, log chunks, and the build's outcome (a success
 * only once every requested artifact is stored and verified, announced as {@link BuildSucceeded} before it
 * commits).
 */
@Service
public class LeaseReports {

    /** An image build's stages, then a medium job's own (it resolves, builds and stores the medium). */
    public static final List<String> STAGES = List.of("INSTALL", "TEST", "SEAL", "EXPORT", "STORE", "RESOLVE",
            "BUILD");
    private static final List<String> MEDIUM_RESULTS = List.of("UNCHANGED", "BUILT");
    /** A medium's package lock: a darksite of 20,000 packages is about 2 MiB. */
    private static final int MAX_MEDIUM_LOCK = 3 << 20;
    private static final List<String> STAGE_STATUSES = List.of("RUNNING", "SUCCEEDED", "FAILED", "SKIPPED");
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z_]{0,31}");
    private static final int MAX_CHECKS = 200;
    private static final int MAX_TEXT = 2000;
    private static final int MAX_OUTPUT = 8000;

    private final Leases leases;
    private final BuildRecords records;
    private final JdbcClient jdbc;
    private final QueueNotifier queue;
    private final StoredArtifacts storedArtifacts;
    private final SucceededBuilds succeeded;
    private final GoldsmithProperties.Limits limits;
    private final MeterRegistry meters;
    private final JsonMapper json;
    private final LogFollowers followers;

    LeaseReports(Leases leases, BuildRecords records, JdbcClient jdbc, QueueNotifier queue,
            StoredArtifacts storedArtifacts, SucceededBuilds succeeded, GoldsmithProperties properties,
            MeterRegistry meters, JsonMapper json, LogFollowers followers) {
        this.leases = leases;
        this.records = records;
        this.jdbc = jdbc;
        this.queue = queue;
        this.storedArtifacts = storedArtifacts;
        this.succeeded = succeeded;
        this.limits = properties.limits();
        this.meters = meters;
        this.json = json;
        this.followers = followers;
    }

    @Transactional
    public void stage(UUID leaseId, UUID worker, String stage, StageReport report) {
        if (!STAGES.contains(stage)) {
            throw ApiException.invalid("stage", "must be one of " + String.join(", ", STAGES));
        }
        if (report.status() == null || !STAGE_STATUSES.contains(report.status())) {
            throw ApiException.invalid("status", "must be one of " + String.join(", ", STAGE_STATUSES));
        }
        LeaseContext lease = leases.require(leaseId, worker);
        String detail = report.detail() == null ? null : reported(scrubber(lease), report.detail(), MAX_TEXT);
        records.saveStage(lease.buildId(), lease.attempt(), stage, report.status(), detail)
                .ifPresent(took -> Timer.builder("goldsmith.stage.duration")
                        .description("How long each pipeline stage took, by outcome")
                        .tags("stage", stage, "status", report.status())
                        .publishPercentileHistogram()
                        .register(meters)
                        .record(took));
    }

    @Transactional
    public LogAck log(UUID leaseId, UUID worker, LogChunk chunk) {
        if (chunk.seq() < 0) {
            throw ApiException.invalid("seq", "must be 0 or more");
        }
        if (chunk.lines() == null || chunk.lines().size() > limits.maxLogLinesPerChunk()) {
            throw ApiException.invalid("lines", "must be a list of at most " + limits.maxLogLinesPerChunk() + " lines");
        }
        long maxLine = limits.maxLogLineSize().toBytes();
        for (int i = 0; i < chunk.lines().size(); i++) {
            String line = chunk.lines().get(i);
            if (line == null || line.length() > maxLine) {
                throw ApiException.invalid("lines[" + i + "]", "must be a string of at most " + maxLine + " characters");
            }
        }
        LeaseContext lease = leases.require(leaseId, worker);
        SecretScrubber scrubber = scrubber(lease);
        List<String> lines = chunk.lines().stream().map(line -> scrubber.scrub(WorkerText.line(line))).toList();
        boolean stored = records.appendLog(lease.buildId(), lease.attempt(), chunk.seq(), lines,
                limits.maxLogPerBuild().toBytes(), "[goldsmith] this build's log reached its budget of "
                        + budget() + ": further lines are counted and dropped; the build goes on");
        followers.appended(lease.buildId());
        return new LogAck(chunk.seq(), stored);
    }

    @Transactional
    public String complete(UUID leaseId, UUID worker, CompleteRequest request) {
        LeaseContext lease = leases.require(leaseId, worker);
        if ("SUCCEEDED".equals(request.outcome())) {
            saveChecks(lease, checkedChecks(request.checks(), scrubber(lease)));
            if (records.isMediumJob(lease.buildId())) {
                return counted(succeedMedium(lease, request));
            }
            return counted(succeed(lease, request.artifacts(), request.packages()));
        }
        Ending ending = ending(lease, request);
        saveChecks(lease, ending.checks());
        return counted(endAll(List.of(ending)).getFirst());
    }

    /** A completion a worker sent: its lease, itself, and what it reported. */
    public record Completion(UUID leaseId, UUID worker, CompleteRequest request) {
    }

    /** The status a completion left its build in, or why it was refused. */
    public record Completed(String status, ApiException refused) {
    }

    /**
     * Ends many attempts that failed or were cancelled, in the caller's transaction and a few statements for all
     * of them: the leases are locked and checked together, and one statement ends every attempt that passed. A
     * completion refused (another worker's lease, a malformed report) writes nothing and gets its problem; the
     * others go on. Successes are not taken: each stores and signs its own records ({@link #complete}).
     */
    public List<Completed> completeAll(List<Completion> completions) {
        List<Leases.Checked> locked = leases.lockAll(completions.stream().map(Completion::leaseId).toList(),
                completions.stream().map(Completion::worker).toList());
        List<Completed> completed = new ArrayList<>(Collections.nCopies(completions.size(), null));
        List<Ending> endings = new ArrayList<>();
        List<Integer> endingAt = new ArrayList<>();
        Set<UUID> endingLeases = new HashSet<>();
        for (int i = 0; i < completions.size(); i++) {
            try {
                if (locked.get(i).rejected() != null) {
                    throw locked.get(i).rejected();
                }
                if (endingLeases.contains(completions.get(i).leaseId())) {
                    // The same completion sent twice at once (a retrying client): the second loses, as it would alone.
                    throw ApiException.leaseLost("Lease " + completions.get(i).leaseId() + " ended meanwhile.");
                }
                endings.add(ending(locked.get(i).lease(), completions.get(i).request()));
                endingLeases.add(completions.get(i).leaseId());
                endingAt.add(i);
            } catch (ApiException refused) {
                completed.set(i, new Completed(null, refused));
            }
        }
        endings.forEach(e -> saveChecks(e.lease(), e.checks()));
        List<String> statuses = endings.isEmpty() ? List.of() : endAll(endings);
        for (int i = 0; i < statuses.size(); i++) {
            completed.set(endingAt.get(i), new Completed(counted(statuses.get(i)), null));
        }
        return completed;
    }

    /** One row of {@link #endAll}'s {@code jsonb_to_recordset}: the fields are its column names. */
    private record EndingRow(UUID lease, String wanted, String code, String reason, String stage,
            Boolean retryable) {
    }

    /** A failure or cancellation, checked against its lease and ready to be written. */
    private record Ending(LeaseContext lease, String wanted, String code, String reason, String stage,
            Boolean retryable, List<CheckResult> checks) {
    }

    private Ending ending(LeaseContext lease, CompleteRequest request) {
        String outcome = request.outcome();
        if (outcome == null || !List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(outcome)) {
            throw ApiException.invalid("outcome", "must be SUCCEEDED, FAILED or CANCELLED");
        }
        if (outcome.equals("SUCCEEDED")) {
            throw new IllegalArgumentException("a success is completed on its own");
        }
        SecretScrubber scrubber = scrubber(lease);
        List<CheckResult> checks = checkedChecks(request.checks(), scrubber);
        if (outcome.equals("CANCELLED")) {
            if (!lease.cancelRequested()) {
                throw ApiException.conflict("Build " + lease.buildId()
                        + " was not asked to cancel; report FAILED instead.");
            }
            return new Ending(lease, "CANCELLED", null, null, null, null, checks);
        }
        List<FieldViolation> errors = new ArrayList<>();
        if (request.code() == null || !CODE.matcher(request.code()).matches()) {
            errors.add(new FieldViolation("code", "must be an upper-case code such as TEST_FAILED"));
        }
        if (request.stage() != null && !STAGES.contains(request.stage())) {
            errors.add(new FieldViolation("stage", "must be one of " + String.join(", ", STAGES)));
        }
        if (request.reason() == null || request.reason().isBlank()) {
            errors.add(new FieldViolation("reason", "is required for a failure"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        String reason = reported(scrubber, request.reason(), MAX_TEXT);
        boolean retryable = Boolean.TRUE.equals(request.retryable());
        return new Ending(lease, retryable ? "RETRY" : "FAILED", request.code(), reason, request.stage(), retryable,
                checks);
    }

    /** Counts the ended attempt once its transaction commits: a batch rolled back and written again counts once. */
    private String counted(String status) {
        Counter ended = Counter.builder("goldsmith.builds.completed")
                .description("Build attempts ended, by the status they left")
                .tag("outcome", status).register(meters);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    ended.increment();
                }
            });
        } else {
            ended.increment();
        }
        return status;
    }

    /**
     * A medium job succeeds with how it ended: {@code UNCHANGED} (nothing built, nothing stored), or
     * {@code BUILT}, then only with every output it was to store verified, as an image build. It records no image
     * version: the refresh that asked for it registers the medium.
     */
    private String succeedMedium(LeaseContext lease, CompleteRequest request) {
        var medium = request.medium();
        if (medium == null || medium.result() == null || !MEDIUM_RESULTS.contains(medium.result())) {
            throw ApiException.invalid("medium.result", "must be UNCHANGED or BUILT for a medium job");
        }
        if (medium.lock() == null || medium.lock().isBlank() || medium.lock().length() > MAX_MEDIUM_LOCK) {
            throw ApiException.invalid("medium.lock", "must be the package lock the job resolved, at most "
                    + MAX_MEDIUM_LOCK + " characters");
        }
        if (medium.result().equals("BUILT")) {
            List<FieldViolation> errors = missingArtifacts(lease, request.artifacts());
            if (!errors.isEmpty()) {
                throw ApiException.invalid(errors);
            }
        }
        // Before the build ends: whoever sees it SUCCEEDED (the refresh it is for) finds how it ended.
        records.saveMediumResult(lease.buildId(), medium.result(), WorkerText.clean(medium.lock()));
        String status = endAll(List.of(new Ending(lease, "SUCCEEDED", null, null, null, null, List.of()))).getFirst();
        succeeded.archiveOnly(lease.buildId());
        return status;
    }

    /**
     * A build succeeds only with an artifact the control plane verified in the store, in this attempt, for every
     * requested format. Artifacts the worker lists are only checked against those.
     */
    private String succeed(LeaseContext lease, List<ArtifactView> artifacts, List<InstalledPackage> packages) {
        List<FieldViolation> errors = missingArtifacts(lease, artifacts);
        errors.addAll(PackageRules.violations(packages));
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        String status = endAll(List.of(new Ending(lease, "SUCCEEDED", null, null, null, null, List.of()))).getFirst();
        succeeded.announce(lease.buildId(), lease.attempt(), packages);
        return status;
    }

    /** What stops a success: a requested format not verified in this attempt, or a listed artifact unlike it. */
    private List<FieldViolation> missingArtifacts(LeaseContext lease, List<ArtifactView> artifacts) {
        List<String> formats = records.formats(lease.buildId());
        Map<String, ArtifactView> stored = new HashMap<>();
        storedArtifacts.verified(lease.buildId(), lease.attempt()).forEach(a -> stored.put(a.format(), a));
        List<FieldViolation> errors = new ArrayList<>();
        List<String> missing = formats.stream().filter(f -> !stored.containsKey(f)).toList();
        if (!missing.isEmpty()) {
            errors.add(new FieldViolation("artifacts", "every requested format must be stored and verified first "
                    + "(POST /api/v1/leases/{leaseId}/artifacts); missing: " + missing));
        }
        List<ArtifactView> given = artifacts == null ? List.of() : artifacts;
        for (int i = 0; i < given.size(); i++) {
            ArtifactView a = given.get(i);
            String field = "artifacts[" + i + "]";
            ArtifactView verified = a == null ? null : stored.get(a.format());
            if (a == null || !formats.contains(a.format()) && !StoredArtifacts.BYPRODUCTS.contains(a.format())) {
                errors.add(new FieldViolation(field + ".format", "must be a requested format or a byproduct "
                        + StoredArtifacts.BYPRODUCTS));
            } else if (verified != null && !verified.sha256().equals(a.sha256())) {
                errors.add(new FieldViolation(field + ".sha256", "does not match the stored artifact's"));
            } else if (verified != null && a.size() != 0 && a.size() != verified.size()) {
                errors.add(new FieldViolation(field + ".size", "does not match the stored artifact's"));
            }
        }
        return errors;
    }

    /**
     * Ends the attempts in one statement and returns their statuses in order: a retryable failure with attempts
     * left goes back to the queue; a build that ended forgets its secrets; stages still open are closed with the
     * build's outcome. A lease given twice ends once, and the second is lost, as a lease that ended meanwhile is.
     * The lease ids are given again as an array, for PostgreSQL to find the rows by index: it guesses that
     * {@code jsonb_to_recordset} yields 100 rows and would otherwise scan every running build.
     */
    private List<String> endAll(List<Ending> endings) {
        List<EndingRow> rows = endings.stream().map(e -> new EndingRow(e.lease().leaseId(), e.wanted(), e.code(),
                e.reason(), e.stage(), e.retryable())).toList();
        Map<UUID, String> statuses = new HashMap<>();
        jdbc.sql("""
                        with ending as (
                            select * from jsonb_to_recordset(cast(:endings as jsonb))
                                       as r(lease uuid, wanted text, code text, reason text, stage text,
                                            retryable boolean)),
                        ended as (
                            update builds b set
                                status = case when r.wanted = 'RETRY' and b.attempt < b.max_attempts
                                                   and not b.cancel_requested then 'QUEUED'
                                              when r.wanted = 'RETRY' and b.cancel_requested then 'CANCELLED'
                                              when r.wanted = 'RETRY' then 'FAILED'
                                              else r.wanted end,
                                failure_code = r.code, failure_reason = r.reason, failure_stage = r.stage,
                                failure_retryable = r.retryable,
                                finished_at = case when r.wanted = 'RETRY' and b.attempt < b.max_attempts
                                                        and not b.cancel_requested then null else now() end,
                                lease_id = null, lease_expires_at = null
                              from ending r
                             where b.lease_id = r.lease and b.status = 'RUNNING'
                               and b.lease_id = any(cast(:leases as uuid[]))
                            returning r.lease, b.id, b.attempt, b.status),
                        forgotten as (
                            delete from build_secrets s using ended e
                             where s.build_id = e.id and e.status <> 'QUEUED'),
                        closed as (
                            update build_stages st
                               set status = case when e.status = 'SUCCEEDED' then 'SUCCEEDED' else 'FAILED' end,
                                   finished_at = now(), detail = coalesce(st.detail, 'build ended ' || e.status)
                              from ended e
                             where st.build_id = e.id and st.attempt = e.attempt and st.status = 'RUNNING')
                        select lease, status from ended
                        """)
                .param("endings", json.writeValueAsString(rows))
                .param("leases", UuidArrays.literal(endings.stream().map(e -> e.lease().leaseId()).toList()))
                .query((rs, n) -> statuses.put(rs.getObject("lease", UUID.class), rs.getString("status")))
                .list();
        List<String> ended = new ArrayList<>(endings.size());
        for (Ending e : endings) {
            String status = statuses.remove(e.lease().leaseId());
            if (status == null) {
                throw ApiException.leaseLost("Lease " + e.lease().leaseId() + " ended meanwhile.");
            }
            ended.add(status);
        }
        if (ended.contains("QUEUED")) {
            queue.buildQueued();
        }
        return ended;
    }

    /** The reported checks, validated and scrubbed of secrets, before anything is written. */
    private static List<CheckResult> checkedChecks(List<CheckResult> checks, SecretScrubber scrubber) {
        if (checks == null) {
            return List.of();
        }
        if (checks.size() > MAX_CHECKS) {
            throw ApiException.invalid("checks", "must be at most " + MAX_CHECKS + " checks");
        }
        List<CheckResult> checked = new ArrayList<>(checks.size());
        for (int i = 0; i < checks.size(); i++) {
            CheckResult c = checks.get(i);
            if (c == null) {
                throw ApiException.invalid("checks[" + i + "]", "must be a check result");
            }
            String name = c.name() == null ? null : WorkerText.line(c.name()).strip();
            if (name == null || name.isEmpty() || name.length() > 128) {
                throw ApiException.invalid("checks[" + i + "].name", "must be 1 to 128 characters");
            }
            checked.add(new CheckResult(name, reported(scrubber, c.command(), MAX_TEXT), c.exitStatus(),
                    c.passed(), reported(scrubber, c.output(), MAX_OUTPUT), Math.max(0, c.durationMs())));
        }
        return checked;
    }

    private void saveChecks(LeaseContext lease, List<CheckResult> checks) {
        for (int i = 0; i < checks.size(); i++) {
            records.saveCheck(lease.buildId(), lease.attempt(), i, checks.get(i));
        }
    }

    private SecretScrubber scrubber(LeaseContext lease) {
        return new SecretScrubber(lease.secretValues());
    }

    private String budget() {
        long bytes = limits.maxLogPerBuild().toBytes();
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB"
                : bytes % (1 << 10) == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }

    /**
     * Worker text as it is stored: cleaned, then secrets masked, then cut. Masking before cutting matters: a
     * secret cut at the boundary would otherwise survive as a prefix the mask no longer recognises.
     */
    private static String reported(SecretScrubber scrubber, String text, int max) {
        return WorkerText.bounded(scrubber.scrub(WorkerText.clean(text)), max);
    }
}
