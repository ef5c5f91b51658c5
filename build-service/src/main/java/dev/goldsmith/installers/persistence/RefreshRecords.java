package dev.goldsmith.installers.persistence;

import dev.goldsmith.api.InstallerRefresh;
import dev.goldsmith.api.MediumRef;
import dev.goldsmith.api.PackageChanges;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The refreshes of farm-built media ({@code installer_refreshes}) and the package set each farm-built medium was
 * made from ({@code medium_locks}). A refresh's medium job is a build row, read here and written by builds.
 */
@Repository
public class RefreshRecords {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COLUMNS = "r.id, r.installer, r.status, r.trigger, r.requested_by, r.job_id, "
            + "r.started_at, r.finished_at, r.previous_sha256, r.previous_darksite, r.current_sha256, "
            + "r.current_darksite, r.packages::text as packages, r.failure";

    private final JdbcClient jdbc;

    public RefreshRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A refresh to record: QUEUED, for the medium job {@code jobId}, replacing {@code previous} (or nothing). */
    public record NewRefresh(UUID id, String installer, String trigger, String requestedBy, UUID jobId,
            MediumRef previous) {
    }

    /**
     * Records a refresh unless one of the same installer is still queued or running (on any replica): then
     * nothing is written and false is answered.
     */
    public boolean insert(NewRefresh refresh) {
        return jdbc.sql("""
                        insert into installer_refreshes (id, installer, status, trigger, requested_by, job_id,
                                                         previous_sha256, previous_darksite)
                        values (?, ?, 'QUEUED', ?, ?, ?, ?, ?)
                        on conflict (installer) where status in ('QUEUED', 'RUNNING') do nothing
                        """)
                .params(refresh.id(), refresh.installer(), refresh.trigger(), refresh.requestedBy(), refresh.jobId(),
                        refresh.previous() == null ? null : refresh.previous().sha256(),
                        refresh.previous() == null ? null : refresh.previous().darksite())
                .update() == 1;
    }

    public Optional<InstallerRefresh> active(String installer) {
        return jdbc.sql("select " + COLUMNS + " from installer_refreshes r where r.installer = ? "
                        + "and r.status in ('QUEUED', 'RUNNING')")
                .param(installer).query(RefreshRecords::refresh).optional();
    }

    public Optional<InstallerRefresh> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from installer_refreshes r where r.id = ?").param(id)
                .query(RefreshRecords::refresh).optional();
    }

    public List<InstallerRefresh> list(String installer, int limit) {
        return jdbc.sql("select " + COLUMNS + " from installer_refreshes r where r.installer = ? "
                        + "order by r.started_at desc, r.id desc limit ?")
                .params(installer, limit).query(RefreshRecords::refresh).list();
    }

    /**
     * An unfinished refresh as the processor sees it: its medium job's status and, once the job succeeded, how it
     * ended ({@code UNCHANGED} or {@code BUILT}), the lock it resolved and what went wrong if it failed.
     */
    public record Progress(UUID id, String installer, String status, UUID jobId, String jobStatus,
            String mediumResult, String mediumLock, String failureCode, String failureReason, MediumRef previous) {
    }

    /**
     * Takes one unfinished refresh whose job moved on, for {@code lease}: no other replica takes it until then
     * (a replica that dies while registering a medium leaves it to the next one after the lease).
     */
    public Optional<Progress> takeNext(java.time.Duration lease) {
        return jdbc.sql("""
                        update installer_refreshes set claimed_until = now() + cast(? as interval)
                         where id = (select r.id from installer_refreshes r join builds b on b.id = r.job_id
                                      where r.status in ('QUEUED', 'RUNNING')
                                        and (r.claimed_until is null or r.claimed_until < now())
                                        and (b.status <> 'QUEUED' and (r.status = 'QUEUED' or b.status <> 'RUNNING'))
                                      order by r.started_at limit 1 for update of r skip locked)
                        returning id
                        """)
                .param(lease.toSeconds() + " seconds")
                .query(UUID.class).optional()
                .flatMap(this::progress);
    }

    private Optional<Progress> progress(UUID id) {
        return jdbc.sql("""
                        select r.id, r.installer, r.status, r.job_id, b.status as job_status,
                               m.result as medium_result, m.lock as medium_lock, b.failure_code, b.failure_reason,
                               r.previous_sha256, r.previous_darksite
                          from installer_refreshes r join builds b on b.id = r.job_id
                          left join medium_jobs m on m.build_id = b.id
                         where r.id = ?
                        """)
                .param(id)
                .query((rs, n) -> new Progress(rs.getObject("id", UUID.class), rs.getString("installer"),
                        rs.getString("status"), rs.getObject("job_id", UUID.class), rs.getString("job_status"),
                        rs.getString("medium_result"), rs.getString("medium_lock"), rs.getString("failure_code"),
                        rs.getString("failure_reason"), medium(rs, "previous_sha256", "previous_darksite")))
                .optional();
    }

    /** Hands a refresh back, to be taken again (on any replica) once {@code after} has passed. */
    public void release(UUID id, java.time.Duration after) {
        jdbc.sql("update installer_refreshes set claimed_until = now() + cast(? as interval) where id = ?")
                .params(after.toMillis() + " milliseconds", id).update();
    }

    public void markRunning(UUID id) {
        jdbc.sql("update installer_refreshes set status = 'RUNNING', claimed_until = null "
                + "where id = ? and status = 'QUEUED'").param(id).update();
    }

    /** Ends an unfinished refresh; false when it had already ended. */
    public boolean finish(UUID id, String status, MediumRef current, PackageChanges packages, String failure) {
        return jdbc.sql("""
                        update installer_refreshes
                           set status = ?, current_sha256 = ?, current_darksite = ?, packages = cast(? as jsonb),
                               failure = ?, finished_at = now(), claimed_until = null
                         where id = ? and status in ('QUEUED', 'RUNNING')
                        """)
                .params(status, current == null ? null : current.sha256(), current == null ? null : current.darksite(),
                        packages == null ? null : JSON.writeValueAsString(packages),
                        failure == null ? null : failure.length() > 2000 ? failure.substring(0, 2000) : failure, id)
                .update() == 1;
    }

    /** The package set a farm-built medium was made from (its recipe's {@code resolved.lock}). */
    public Optional<String> lock(String sha256) {
        return jdbc.sql("select lock from medium_locks where sha256 = ?").param(sha256).query(String.class)
                .optional();
    }

    public void saveLock(String sha256, String lock) {
        jdbc.sql("""
                        insert into medium_locks (sha256, lock) values (?, ?)
                        on conflict (sha256) do update set lock = excluded.lock, recorded_at = now()
                        """)
                .params(sha256, lock).update();
    }

    /** The newest refresh that registered a new medium under {@code installer}. */
    public Optional<InstallerRefresh> latestRefreshed(String installer) {
        return jdbc.sql("select " + COLUMNS + " from installer_refreshes r where r.installer = ? "
                        + "and r.status = 'REFRESHED' order by r.finished_at desc limit 1")
                .param(installer).query(RefreshRecords::refresh).optional();
    }

    private static InstallerRefresh refresh(ResultSet rs, int row) throws SQLException {
        String packages = rs.getString("packages");
        return new InstallerRefresh(rs.getObject("id", UUID.class), rs.getString("installer"), rs.getString("status"),
                rs.getString("trigger"), rs.getString("requested_by"), rs.getObject("job_id", UUID.class),
                instant(rs, "started_at"), instant(rs, "finished_at"),
                medium(rs, "previous_sha256", "previous_darksite"), medium(rs, "current_sha256", "current_darksite"),
                packages == null ? null : JSON.readValue(packages, PackageChanges.class), rs.getString("failure"));
    }

    private static MediumRef medium(ResultSet rs, String sha256, String darksite) throws SQLException {
        String sha = rs.getString(sha256);
        return sha == null ? null : new MediumRef(sha, rs.getString(darksite));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
