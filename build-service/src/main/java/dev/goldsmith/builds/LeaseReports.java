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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a worker reports under its lease: stage starts and ends, log chunks, and the build's outcome (a success
 * only once every requested artifact is stored and verified, announced as {@link BuildSucceeded} before it
 * commits).
 */
@Service
public class LeaseReports {

    public static final List<String> STAGES = List.of("INSTALL", "TEST", "SEAL", "EXPORT", "STORE");
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

    LeaseReports(Leases leases, BuildRecords records, JdbcClient jdbc, QueueNotifier queue,
            StoredArtifacts storedArtifacts, SucceededBuilds succeeded, GoldsmithProperties properties,
            MeterRegistry meters) {
        this.leases = leases;
        this.records = records;
        this.jdbc = jdbc;
        this.queue = queue;
        this.storedArtifacts = storedArtifacts;
        this.succeeded = succeeded;
        this.limits = properties.limits();
        this.meters = meters;
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
        String detail = report.detail() == null ? null : scrubber(lease).scrub(bounded(report.detail(), MAX_TEXT));
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
        List<String> lines = chunk.lines().stream().map(scrubber::scrub).toList();
        return new LogAck(chunk.seq(), records.appendLog(lease.buildId(), lease.attempt(), chunk.seq(), lines));
    }

    @Transactional
    public String complete(UUID leaseId, UUID worker, CompleteRequest request) {
        LeaseContext lease = leases.require(leaseId, worker);
        String outcome = request.outcome();
        if (outcome == null || !List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(outcome)) {
            throw ApiException.invalid("outcome", "must be SUCCEEDED, FAILED or CANCELLED");
        }
        SecretScrubber scrubber = scrubber(lease);
        saveChecks(lease, request.checks(), scrubber);
        String status = switch (outcome) {
            case "SUCCEEDED" -> succeed(lease, request.artifacts(), request.packages());
            case "CANCELLED" -> cancelled(lease);
            default -> fail(lease, request, scrubber);
        };
        Counter.builder("goldsmith.builds.completed").description("Build attempts ended, by the status they left")
                .tag("outcome", status).register(meters).increment();
        return status;
    }

    /**
     * A build succeeds only with an artifact the control plane verified in the store, in this attempt, for every
     * requested format. Artifacts the worker lists are only checked against those.
     */
    private String succeed(LeaseContext lease, List<ArtifactView> artifacts, List<InstalledPackage> packages) {
        List<String> formats = jdbc.sql("select jsonb_array_elements_text(formats) from builds where id = ?")
                .param(lease.buildId()).query(String.class).list();
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
            if (a == null || !formats.contains(a.format())) {
                errors.add(new FieldViolation(field + ".format", "must be a requested format"));
            } else if (verified != null && !verified.sha256().equals(a.sha256())) {
                errors.add(new FieldViolation(field + ".sha256", "does not match the stored artifact's"));
            } else if (verified != null && a.size() != 0 && a.size() != verified.size()) {
                errors.add(new FieldViolation(field + ".size", "does not match the stored artifact's"));
            }
        }
        errors.addAll(PackageRules.violations(packages));
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        String status = end(lease, "SUCCEEDED", null, null, null, null);
        succeeded.announce(lease.buildId(), lease.attempt(), packages);
        return status;
    }

    private String cancelled(LeaseContext lease) {
        boolean asked = jdbc.sql("select cancel_requested from builds where id = ?").param(lease.buildId())
                .query(Boolean.class).single();
        if (!asked) {
            throw ApiException.conflict("Build " + lease.buildId() + " was not asked to cancel; report FAILED instead.");
        }
        return end(lease, "CANCELLED", null, null, null, null);
    }

    private String fail(LeaseContext lease, CompleteRequest request, SecretScrubber scrubber) {
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
        String reason = scrubber.scrub(bounded(request.reason(), MAX_TEXT));
        boolean retryable = Boolean.TRUE.equals(request.retryable());
        return end(lease, retryable ? "RETRY" : "FAILED", request.code(), reason, request.stage(), retryable);
    }

    /**
     * Ends the attempt in one statement: a retryable failure with attempts left goes back to the queue; a build
     * that ended forgets its secrets; stages still open are closed with the build's outcome.
     */
    private String end(LeaseContext lease, String wanted, String code, String reason, String stage,
            Boolean retryable) {
        String status = jdbc.sql("""
                        with ended as (
                            update builds set
                                status = case when :wanted = 'RETRY' and attempt < max_attempts
                                                   and not cancel_requested then 'QUEUED'
                                              when :wanted = 'RETRY' and cancel_requested then 'CANCELLED'
                                              when :wanted = 'RETRY' then 'FAILED'
                                              else :wanted end,
                                failure_code = :code, failure_reason = :reason, failure_stage = :stage,
                                failure_retryable = :retryable,
                                finished_at = case when :wanted = 'RETRY' and attempt < max_attempts
                                                        and not cancel_requested then null else now() end,
                                lease_id = null, lease_expires_at = null
                             where lease_id = :lease and status = 'RUNNING'
                            returning id, attempt, status),
                        forgotten as (
                            delete from build_secrets s using ended e
                             where s.build_id = e.id and e.status <> 'QUEUED'),
                        closed as (
                            update build_stages st
                               set status = case when e.status = 'SUCCEEDED' then 'SUCCEEDED' else 'FAILED' end,
                                   finished_at = now(), detail = coalesce(st.detail, 'build ended ' || e.status)
                              from ended e
                             where st.build_id = e.id and st.attempt = e.attempt and st.status = 'RUNNING')
                        select status from ended
                        """)
                .param("wanted", wanted)
                .param("code", code)
                .param("reason", reason)
                .param("stage", stage)
                .param("retryable", retryable)
                .param("lease", lease.leaseId())
                .query(String.class)
                .optional()
                .orElseThrow(() -> ApiException.leaseLost("Lease " + lease.leaseId() + " ended meanwhile."));
        if (status.equals("QUEUED")) {
            queue.buildQueued();
        }
        return status;
    }

    private void saveChecks(LeaseContext lease, List<CheckResult> checks, SecretScrubber scrubber) {
        if (checks == null) {
            return;
        }
        if (checks.size() > MAX_CHECKS) {
            throw ApiException.invalid("checks", "must be at most " + MAX_CHECKS + " checks");
        }
        for (int i = 0; i < checks.size(); i++) {
            CheckResult c = checks.get(i);
            if (c.name() == null || c.name().isBlank() || c.name().length() > 128) {
                throw ApiException.invalid("checks[" + i + "].name", "must be 1 to 128 characters");
            }
            records.saveCheck(lease.buildId(), lease.attempt(), i, new CheckResult(c.name(),
                    scrubber.scrub(bounded(c.command(), MAX_TEXT)), c.exitStatus(), c.passed(),
                    scrubber.scrub(bounded(c.output(), MAX_OUTPUT)), Math.max(0, c.durationMs())));
        }
    }

    private SecretScrubber scrubber(LeaseContext lease) {
        return new SecretScrubber(lease.secretValues());
    }

    private static String bounded(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max);
    }
}
