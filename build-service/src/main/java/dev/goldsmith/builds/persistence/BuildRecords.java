package dev.goldsmith.builds.persistence;

import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.StageView;
import dev.goldsmith.database.UuidArrays;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The rows that hang off a build: stages, logs, checks, artifacts and the secrets held until it ends. */
@Repository
public class BuildRecords {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public BuildRecords(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public List<StageView> stages(UUID buildId) {
        return jdbc.sql("""
                        select stage, attempt, status, started_at, finished_at, detail from build_stages
                         where build_id = ? order by attempt, started_at nulls last, stage
                        """)
                .param(buildId)
                .query((rs, n) -> {
                    Instant started = instant(rs, "started_at");
                    Instant finished = instant(rs, "finished_at");
                    Long duration = started != null && finished != null
                            ? finished.toEpochMilli() - started.toEpochMilli() : null;
                    return new StageView(rs.getString("stage"), rs.getInt("attempt"), rs.getString("status"), started,
                            finished, duration, rs.getString("detail"));
                })
                .list();
    }

    public List<ArtifactView> artifacts(UUID buildId) {
        return jdbc.sql("select format, file_name, sha256, size from build_artifacts where build_id = ? order by format")
                .param(buildId)
                .query((rs, n) -> new ArtifactView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .list();
    }

    public Optional<String> workerName(UUID workerId) {
        return workerId == null ? Optional.empty()
                : jdbc.sql("select name from workers where id = ?").param(workerId).query(String.class).optional();
    }

    /** Checks of the newest attempt that reported any. */
    public Optional<Integer> lastTestedAttempt(UUID buildId) {
        return jdbc.sql("select max(attempt) from build_checks where build_id = ?").param(buildId)
                .query(Integer.class).optional();
    }

    public List<CheckResult> checks(UUID buildId, int attempt) {
        return jdbc.sql("""
                        select name, command, exit_status, passed, output, duration_ms from build_checks
                         where build_id = ? and attempt = ? order by position
                        """)
                .params(buildId, attempt)
                .query((rs, n) -> new CheckResult(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getBoolean(4),
                        rs.getString(5), rs.getLong(6)))
                .list();
    }

    public void saveCheck(UUID buildId, int attempt, int position, CheckResult check) {
        jdbc.sql("""
                        insert into build_checks (build_id, attempt, position, name, command, exit_status, passed,
                                                  output, duration_ms)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        on conflict (build_id, attempt, position) do nothing
                        """)
                .params(buildId, attempt, position, check.name(), check.command(), check.exitStatus(), check.passed(),
                        check.output(), check.durationMs())
                .update();
    }

    /**
     * Records a stage start ({@code RUNNING}) or end; an end without a start counts as starting now. Returns how
     * long the stage took once it has ended.
     */
    public Optional<java.time.Duration> saveStage(UUID buildId, int attempt, String stage, String status,
            String detail) {
        boolean running = status.equals("RUNNING");
        return jdbc.sql("""
                        insert into build_stages (build_id, attempt, stage, status, started_at, finished_at, detail)
                        values (:build, :attempt, :stage, :status, now(), case when :running then null else now() end,
                                :detail)
                        on conflict (build_id, attempt, stage) do update
                           set status = excluded.status,
                               started_at = case when :running then now() else build_stages.started_at end,
                               finished_at = excluded.finished_at,
                               detail = coalesce(excluded.detail, build_stages.detail)
                        returning (extract(epoch from finished_at - started_at) * 1000)::bigint
                        """)
                .param("build", buildId)
                .param("attempt", attempt)
                .param("stage", stage)
                .param("status", status)
                .param("running", running)
                .param("detail", detail)
                .query((rs, n) -> {
                    long millis = rs.getLong(1);
                    return rs.wasNull() ? null : java.time.Duration.ofMillis(millis);
                })
                .optional();
    }

    /** Stores a log chunk once: a resent sequence number changes nothing and returns false. */
    /**
     * Stores a chunk of log lines within the build's log budget ({@code budgetBytes}, all attempts together).
     * Lines past the budget are dropped and counted; the chunk that crosses it ends with {@code marker}. The
     * build's row is locked while the budget is counted, and a chunk already stored (a resend) changes nothing:
     * answers false then.
     */
    public boolean appendLog(UUID buildId, int attempt, long seq, List<String> lines, long budgetBytes,
            String marker) {
        long used = jdbc.sql("select log_bytes from builds where id = ? for update").param(buildId)
                .query(Long.class).single();
        List<String> kept = new ArrayList<>(lines.size() + 1);
        long bytes = used;
        for (String line : lines) {
            long size = line.getBytes(StandardCharsets.UTF_8).length + 1L;
            if (bytes + size > budgetBytes) {
                break;
            }
            kept.add(line);
            bytes += size;
        }
        int dropped = lines.size() - kept.size();
        if (dropped > 0 && used < budgetBytes) {
            kept.add(marker);
            bytes = budgetBytes;
        }
        boolean stored = jdbc.sql("""
                        insert into build_logs (build_id, attempt, seq, lines, line_count, dropped)
                        values (?, ?, ?, ?, ?, ?)
                        on conflict (build_id, attempt, seq) do nothing
                        """)
                .params(buildId, attempt, seq, String.join("\n", kept), kept.size(), dropped)
                .update() == 1;
        if (stored && bytes != used) {
            jdbc.sql("update builds set log_bytes = ? where id = ?").params(bytes, buildId).update();
        }
        return stored;
    }

    /** Log chunks after a position, oldest first: {@code (attempt, seq)} greater than the one given. */
    public List<LogRow> logsAfter(UUID buildId, int attempt, long seq, int limit) {
        return jdbc.sql("""
                        select attempt, seq, lines, line_count, dropped from build_logs
                         where build_id = ? and (attempt, seq) > (?, ?) order by attempt, seq limit ?
                        """)
                .params(buildId, attempt, seq, limit)
                .query((rs, n) -> new LogRow(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
                        rs.getInt(5)))
                .list();
    }

    /** One stored chunk of build log: its lines (none when the budget dropped them all) and how many it dropped. */
    public record LogRow(int attempt, long seq, String lines, int lineCount, int dropped) {
    }

    /**
     * A leased build's inputs as its worker gets them: the stored answers with the secrets put back; for a medium
     * job its recipe and the package set of the medium it may replace.
     */
    public record LeasedInputs(UUID id, String distro, String profile, String installer, String installerName,
            String installerSha256, String darksite, Map<String, String> answers, List<String> secretKeys,
            List<String> formats, String sourceRepository, String sourceCommit, String tests, String imageName,
            Duration timeout, String kind, String mediumRecipe, String mediumCurrentLock) {
    }

    /** A medium job to queue: the farm's own, for one refresh of the recipe {@code recipe}. */
    public record MediumJob(UUID id, UUID refreshId, String recipe, String mediumName, String mediumSha256,
            String darksite, String currentLock, String distro, String profile, List<String> formats,
            int maxAttempts) {
    }

    /**
     * Queues a medium job as a build row of kind MEDIUM: the farm's team, for workers labelled
     * {@code goldsmith-media} only, named after its refresh so that it can never collide with an image.
     */
    public void insertMediumJob(MediumJob job, String workerLabel) {
        String hex = job.refreshId().toString().replace("-", "");
        jdbc.sql("""
                        insert into builds (id, team, status, distro, profile, installer, installer_name,
                                            installer_sha256, darksite, answers, formats, source_repository,
                                            source_commit, tests, priority, labels, timeout_seconds, accel, arch,
                                            worker_labels, fingerprint, image_name, max_attempts, kind)
                        values (:id, 'farm', 'QUEUED', :distro, :profile, :recipe, :name, :sha, :darksite, '{}',
                                cast(:formats as jsonb), :repository, :commit, 'none', 90,
                                cast(:labels as jsonb), 7200, 'any', 'x86_64', cast(:workerLabels as jsonb),
                                :fingerprint, :imageName, :maxAttempts, 'MEDIUM')
                        """)
                .param("id", job.id())
                .param("distro", job.distro())
                .param("profile", job.profile())
                .param("recipe", job.recipe())
                .param("name", job.mediumName())
                .param("sha", job.mediumSha256())
                .param("darksite", job.darksite())
                .param("formats", json.writeValueAsString(job.formats()))
                .param("repository", "goldsmith:installers/" + job.recipe())
                .param("commit", hex)
                .param("labels", json.writeValueAsString(Map.of("refresh", job.refreshId().toString())))
                .param("workerLabels", json.writeValueAsString(List.of(workerLabel)))
                .param("fingerprint", "medium-" + hex)
                .param("imageName", "medium-" + job.recipe() + "-" + hex.substring(0, 12))
                .param("maxAttempts", job.maxAttempts())
                .update();
        jdbc.sql("insert into medium_jobs (build_id, refresh_id, recipe, current_lock) values (?, ?, ?, ?)")
                .params(job.id(), job.refreshId(), job.recipe(), job.currentLock())
                .update();
    }

    /** The formats the build asked for. */
    public List<String> formats(UUID buildId) {
        return jdbc.sql("select jsonb_array_elements_text(formats) from builds where id = ?").param(buildId)
                .query(String.class).list();
    }

    public boolean isMediumJob(UUID buildId) {
        return jdbc.sql("select kind = 'MEDIUM' from builds where id = ?").param(buildId).query(Boolean.class)
                .single();
    }

    /** What a medium job's successful completion reported: how it ended and the package set it resolved. */
    public void saveMediumResult(UUID buildId, String result, String lock) {
        jdbc.sql("update medium_jobs set result = ?, lock = ? where build_id = ?").params(result, lock, buildId)
                .update();
    }

    /** The inputs of each build that exists, secrets included, in one statement. */
    public List<LeasedInputs> leasedInputs(Collection<UUID> buildIds) {
        return jdbc.sql("""
                        select b.id, b.distro, b.profile, b.installer, b.installer_name, b.installer_sha256, b.darksite,
                               (b.answers || coalesce((select jsonb_object_agg(s.key, s.value) from build_secrets s
                                                        where s.build_id = b.id), '{}'))::text as answers,
                               b.secret_keys::text, b.formats::text, b.source_repository, b.source_commit, b.tests,
                               b.image_name, b.timeout_seconds, b.kind, m.recipe, m.current_lock
                          from builds b left join medium_jobs m on m.build_id = b.id
                         where b.id = any(cast(? as uuid[]))
                        """)
                .param(UuidArrays.literal(buildIds))
                .query((rs, n) -> new LeasedInputs(rs.getObject("id", UUID.class), rs.getString("distro"),
                        rs.getString("profile"), rs.getString("installer"), rs.getString("installer_name"),
                        rs.getString("installer_sha256"), rs.getString("darksite"),
                        new TreeMap<>(json.readValue(rs.getString("answers"), STRING_MAP)),
                        json.readValue(rs.getString("secret_keys"), STRING_LIST),
                        json.readValue(rs.getString("formats"), STRING_LIST), rs.getString("source_repository"),
                        rs.getString("source_commit"), rs.getString("tests"), rs.getString("image_name"),
                        Duration.ofSeconds(rs.getLong("timeout_seconds")), rs.getString("kind"),
                        rs.getString("recipe"), rs.getString("current_lock")))
                .list();
    }

    public void forgetSecrets(UUID buildId) {
        jdbc.sql("delete from build_secrets where build_id = ?").param(buildId).update();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
