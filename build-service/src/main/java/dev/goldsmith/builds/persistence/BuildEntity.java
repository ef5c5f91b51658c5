package dev.goldsmith.builds.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrimaryKeyJoinColumn;
import jakarta.persistence.SecondaryTable;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A row of {@code builds}, with a rebuild's lineage ({@code build_lineage}) and the HMACs of its secret answers
 * ({@code build_secret_digests}), each a row only when there is something to keep. Lease columns are written by
 * the queue's SQL; JPA only reads them.
 */
@Entity
@Table(name = "builds")
@SecondaryTable(name = BuildEntity.LINEAGE, pkJoinColumns = @PrimaryKeyJoinColumn(name = "build_id"))
@SecondaryTable(name = BuildEntity.SECRET_DIGESTS, pkJoinColumns = @PrimaryKeyJoinColumn(name = "build_id"))
public class BuildEntity {

    static final String LINEAGE = "build_lineage";
    static final String SECRET_DIGESTS = "build_secret_digests";

    @Id
    private UUID id;
    @Column(nullable = false, length = 64)
    private String team;
    @Column(nullable = false, length = 16, updatable = false)
    private String status;
    @Column(nullable = false, length = 32)
    private String distro;
    @Column(nullable = false, length = 32)
    private String profile;
    @Column(nullable = false, length = 80)
    private String installer;
    @Column(name = "installer_name", length = 63)
    private String installerName;
    @Column(name = "installer_sha256", length = 64)
    private String installerSha256;
    @Column(length = 71)
    private String darksite;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private Map<String, String> answers;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "secret_keys", nullable = false)
    private List<String> secretKeys;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private List<String> formats;
    @Column(name = "source_repository", nullable = false, length = 512)
    private String sourceRepository;
    @Column(name = "source_commit", nullable = false, length = 64)
    private String sourceCommit;
    @Column(nullable = false, length = 64)
    private String tests;
    @Column(length = 32)
    private String channel;
    @Column(nullable = false)
    private int priority;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private Map<String, String> labels;
    @Column(name = "timeout_seconds", nullable = false)
    private long timeoutSeconds;
    @Column(nullable = false, length = 8)
    private String accel;
    @Column(nullable = false, length = 32)
    private String arch;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "worker_labels", nullable = false)
    private List<String> workerLabels;
    @Column(nullable = false, length = 64)
    private String fingerprint;
    @Column(name = "image_name", nullable = false, length = 160)
    private String imageName;
    @Column(name = "idempotency_key", length = 128)
    private String idempotencyKey;
    @Column(name = "request_hash", length = 64)
    private String requestHash;
    @Column(nullable = false)
    private int attempt;
    @Column(name = "max_attempts", nullable = false)
    private int maxAttempts;
    @Column(name = "worker_id", insertable = false, updatable = false)
    private UUID workerId;
    @Column(name = "lease_id", insertable = false, updatable = false)
    private UUID leaseId;
    @Column(name = "lease_expires_at", insertable = false, updatable = false)
    private Instant leaseExpiresAt;
    @Column(name = "cancel_requested", nullable = false, insertable = false, updatable = false)
    private boolean cancelRequested;
    @Column(name = "failure_code", insertable = false, updatable = false, length = 32)
    private String failureCode;
    @Column(name = "failure_reason", insertable = false, updatable = false, length = 2000)
    private String failureReason;
    @Column(name = "failure_stage", insertable = false, updatable = false, length = 16)
    private String failureStage;
    @Column(name = "failure_retryable", insertable = false, updatable = false)
    private Boolean failureRetryable;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "started_at", insertable = false, updatable = false)
    private Instant startedAt;
    @Column(name = "finished_at", insertable = false, updatable = false)
    private Instant finishedAt;
    @Column(nullable = false, length = 8, insertable = false, updatable = false)
    private String kind;
    @Column(table = LINEAGE, name = "trigger_kind", length = 16, updatable = false)
    private String triggerKind;
    @Column(table = LINEAGE, name = "trigger_refresh", updatable = false)
    private UUID triggerRefresh;
    @Column(table = LINEAGE, name = "trigger_policy", length = 200, updatable = false)
    private String triggerPolicy;
    @Column(table = LINEAGE, name = "rebuild_of", updatable = false)
    private UUID rebuildOf;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(table = LINEAGE, name = "changed_inputs", updatable = false)
    private List<String> changedInputs;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(table = SECRET_DIGESTS, name = "digests", updatable = false)
    private Map<String, String> secretDigests;

    protected BuildEntity() {
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    public BuildEntity(UUID id, String team, String distro, String profile, String installer,
            String installerName, String installerSha256, String darksite, Map<String, String> answers,
            List<String> secretKeys, List<String> formats, String sourceRepository,
            String sourceCommit, String tests, String channel, int priority, Map<String, String> labels,
            long timeoutSeconds, String accel, String arch, List<String> workerLabels, String fingerprint,
            String imageName, String idempotencyKey, String requestHash, int maxAttempts, Instant createdAt) {
        this.id = id;
        this.team = team;
        this.status = "QUEUED";
        this.distro = distro;
        this.profile = profile;
        this.installer = installer;
        this.installerName = installerName;
        this.installerSha256 = installerSha256;
        this.darksite = darksite;
        this.answers = answers;
        this.secretKeys = secretKeys;
        this.formats = formats;
        this.sourceRepository = sourceRepository;
        this.sourceCommit = sourceCommit;
        this.tests = tests;
        this.channel = channel;
        this.priority = priority;
        this.labels = labels;
        this.timeoutSeconds = timeoutSeconds;
        this.accel = accel;
        this.arch = arch;
        this.workerLabels = workerLabels;
        this.fingerprint = fingerprint;
        this.imageName = imageName;
        this.idempotencyKey = idempotencyKey;
        this.requestHash = requestHash;
        this.maxAttempts = maxAttempts;
        this.createdAt = createdAt;
    }

    /** The secret answers' HMACs under the farm's fingerprint key (never the secrets), for diffs. */
    public BuildEntity withSecretDigests(Map<String, String> digests) {
        this.secretDigests = digests.isEmpty() ? null : digests;
        return this;
    }

    /** Marks the build as a rebuild of {@code original}, submitted for {@code trigger}. */
    public BuildEntity asRebuild(UUID original, String kind, UUID refresh, String policy, List<String> changed) {
        this.rebuildOf = original;
        this.triggerKind = kind;
        this.triggerRefresh = refresh;
        this.triggerPolicy = policy;
        this.changedInputs = changed;
        return this;
    }

    public UUID getId() { return id; }
    public String getTeam() { return team; }
    public String getStatus() { return status; }
    public String getDistro() { return distro; }
    public String getProfile() { return profile; }
    public String getInstaller() { return installer; }
    /** The registered installer the request resolved to (null for builds from before the registry). */
    public String getInstallerName() { return installerName; }
    public String getInstallerSha256() { return installerSha256; }
    /** The darksite its installer carried when the build was submitted (null: none). */
    public String getDarksite() { return darksite; }
    public Map<String, String> getAnswers() { return answers; }
    public List<String> getSecretKeys() { return secretKeys; }
    public List<String> getFormats() { return formats; }
    public String getSourceRepository() { return sourceRepository; }
    public String getSourceCommit() { return sourceCommit; }
    public String getTests() { return tests; }
    public String getChannel() { return channel; }
    public int getPriority() { return priority; }
    public Map<String, String> getLabels() { return labels; }
    public long getTimeoutSeconds() { return timeoutSeconds; }
    public String getAccel() { return accel; }
    public String getArch() { return arch; }
    public List<String> getWorkerLabels() { return workerLabels; }
    public String getFingerprint() { return fingerprint; }
    public String getImageName() { return imageName; }
    public String getRequestHash() { return requestHash; }
    public int getAttempt() { return attempt; }
    public int getMaxAttempts() { return maxAttempts; }
    public UUID getWorkerId() { return workerId; }
    public boolean isCancelRequested() { return cancelRequested; }
    public String getFailureCode() { return failureCode; }
    public String getFailureReason() { return failureReason; }
    public String getFailureStage() { return failureStage; }
    public Boolean getFailureRetryable() { return failureRetryable; }
    public Instant getCreatedAt() { return createdAt; }
    public Instant getStartedAt() { return startedAt; }
    public Instant getFinishedAt() { return finishedAt; }
    /** IMAGE, or MEDIUM for the farm's refresh of a reference medium (null before the row was read back). */
    public String getKind() { return kind == null ? "IMAGE" : kind; }
    public String getTriggerKind() { return triggerKind; }
    public UUID getTriggerRefresh() { return triggerRefresh; }
    public String getTriggerPolicy() { return triggerPolicy; }
    public UUID getRebuildOf() { return rebuildOf; }
    public List<String> getChangedInputs() { return changedInputs; }
    public Map<String, String> getSecretDigests() { return secretDigests == null ? Map.of() : secretDigests; }
}
