package dev.goldsmith.installers.persistence;

import dev.goldsmith.installers.Installer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Registered installer media ({@code installers}) and registrations waiting for their upload ({@code installer_uploads}). */
@Repository
public class InstallerRecords {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "name, sha256, size, format, boot_mode, success_line, failure_lines, "
            + "install_deadline_seconds, distros, profiles, default_suite, disk_size, team, reference, registered_at, "
            + "darksite";
    private static final String INSERT = "insert into installers (name, sha256, size, format, object_key, boot_mode, "
            + "success_line, failure_lines, install_deadline_seconds, distros, profiles, default_suite, disk_size, "
            + "team, reference, registered_by, darksite) "
            + "values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?) ";

    private final JdbcClient jdbc;

    public InstallerRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A registration whose bytes are being uploaded; {@code registration} is the request as JSON. */
    public record PendingInstaller(String name, String sha256, long size, String uploadId, String objectKey,
            String registration, String team, Instant createdAt) {
    }

    public Optional<Installer> find(String name) {
        return jdbc.sql("select " + COLUMNS + " from installers where name = ?").param(name)
                .query(InstallerRecords::installer).optional();
    }

    /** Reads the installer and holds it against deletion until the transaction ends. */
    public Optional<Installer> findForShare(String name) {
        return jdbc.sql("select " + COLUMNS + " from installers where name = ? for share").param(name)
                .query(InstallerRecords::installer).optional();
    }

    public Optional<Installer> findForUpdate(String name) {
        return jdbc.sql("select " + COLUMNS + " from installers where name = ? for update").param(name)
                .query(InstallerRecords::installer).optional();
    }

    /** The registration a digest stands for: a reference one first, else the earliest. */
    public Optional<Installer> firstWithDigest(String sha256) {
        return jdbc.sql("select " + COLUMNS + " from installers where sha256 = ? "
                        + "order by reference desc, registered_at, name limit 1")
                .param(sha256).query(InstallerRecords::installer).optional();
    }

    /** Who recorded the name's current medium: {@code reference} (the installer directory), {@code refresh:<id>}, ... */
    public Optional<String> registeredBy(String name) {
        return jdbc.sql("select registered_by from installers where name = ?").param(name).query(String.class)
                .optional();
    }

    public boolean anyWithDigest(String sha256) {
        return jdbc.sql("select exists (select 1 from installers where sha256 = ?)").param(sha256)
                .query(Boolean.class).single();
    }

    public List<Installer> list() {
        return jdbc.sql("select " + COLUMNS + " from installers order by name").query(InstallerRecords::installer)
                .list();
    }

    /** Records a new name; false when the name is taken. */
    public boolean insert(Installer installer, String registeredBy) {
        return jdbc.sql(INSERT + "on conflict (name) do nothing")
                .params(values(installer, registeredBy))
                .update() == 1;
    }

    /** Records the name, or replaces what it stands for (reference media at start-up). */
    public void upsert(Installer installer, String registeredBy) {
        jdbc.sql(INSERT + """
                        on conflict (name) do update
                           set sha256 = excluded.sha256, size = excluded.size, format = excluded.format,
                               object_key = excluded.object_key, boot_mode = excluded.boot_mode,
                               success_line = excluded.success_line, failure_lines = excluded.failure_lines,
                               install_deadline_seconds = excluded.install_deadline_seconds,
                               distros = excluded.distros, profiles = excluded.profiles,
                               default_suite = excluded.default_suite, disk_size = excluded.disk_size,
                               team = excluded.team, reference = excluded.reference,
                               registered_by = excluded.registered_by, darksite = excluded.darksite,
                               registered_at = case when installers.sha256 = excluded.sha256
                                                    then installers.registered_at else now() end
                        """)
                .params(values(installer, registeredBy))
                .update();
    }

    private static List<Object> values(Installer i, String registeredBy) {
        return Arrays.asList(i.name(), i.sha256(), i.size(), i.format(), i.objectKey(), i.bootMode(),
                i.successLine(), JSON.writeValueAsString(i.failureLines()), i.installDeadline().toSeconds(),
                JSON.writeValueAsString(i.distros()), JSON.writeValueAsString(i.profiles()), i.defaultSuite(),
                i.diskSize(), i.team(), i.reference(), registeredBy, i.darksite());
    }

    public void delete(String name) {
        jdbc.sql("delete from installers where name = ?").param(name).update();
    }

    /**
     * How many builds were made from this registration: by its name, or by its digest when no other
     * registration keeps that medium.
     */
    public long buildsUsing(String name, String sha256) {
        return jdbc.sql("""
                        select count(*) from builds
                         where installer_name = :name or installer = :name
                            or (installer_sha256 = :sha256
                                and not exists (select 1 from installers where sha256 = :sha256 and name <> :name))
                        """)
                .param("name", name).param("sha256", sha256)
                .query(Long.class).single();
    }

    public Optional<PendingInstaller> pending(String name) {
        return jdbc.sql("""
                        select name, sha256, size, upload_id, object_key, registration::text, team, created_at
                          from installer_uploads where name = ?
                        """)
                .param(name).query(InstallerRecords::pending).optional();
    }

    /** Records a registration waiting for its upload, in place of an earlier one of the name (returned). */
    public Optional<PendingInstaller> savePending(PendingInstaller upload, String registeredBy) {
        Optional<PendingInstaller> previous = jdbc.sql("""
                        select name, sha256, size, upload_id, object_key, registration::text, team, created_at
                          from installer_uploads where name = ? for update
                        """)
                .param(upload.name()).query(InstallerRecords::pending).optional();
        jdbc.sql("""
                        insert into installer_uploads (name, sha256, size, upload_id, object_key, registration, team,
                                                       registered_by)
                        values (?, ?, ?, ?, ?, ?::jsonb, ?, ?)
                        on conflict (name) do update
                           set sha256 = excluded.sha256, size = excluded.size, upload_id = excluded.upload_id,
                               object_key = excluded.object_key, registration = excluded.registration,
                               team = excluded.team, registered_by = excluded.registered_by, created_at = now()
                        """)
                .params(upload.name(), upload.sha256(), upload.size(), upload.uploadId(), upload.objectKey(),
                        upload.registration(), upload.team(), registeredBy)
                .update();
        return previous;
    }

    public void forgetPending(String name, String uploadId) {
        jdbc.sql("delete from installer_uploads where name = ? and upload_id = ?").params(name, uploadId).update();
    }

    /** Registrations whose upload started before {@code before} and never completed. */
    /** Whether a multipart upload is one a registration recorded (and so is not an orphan). */
    public boolean uploadRecorded(String uploadId) {
        return jdbc.sql("select exists (select 1 from installer_uploads where upload_id = ?)").param(uploadId)
                .query(Boolean.class).single();
    }

    public List<PendingInstaller> pendingSince(Instant before, int limit) {
        return jdbc.sql("""
                        select name, sha256, size, upload_id, object_key, registration::text, team, created_at
                          from installer_uploads where created_at < ? order by created_at limit ?
                        """)
                .params(Timestamp.from(before), limit).query(InstallerRecords::pending).list();
    }

    private static PendingInstaller pending(ResultSet rs, int n) throws SQLException {
        return new PendingInstaller(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant());
    }

    private static Installer installer(ResultSet rs, int n) throws SQLException {
        String diskSize = rs.getString("disk_size");
        return new Installer(rs.getString("name"), rs.getString("sha256"), rs.getLong("size"), rs.getString("format"),
                rs.getString("boot_mode"), rs.getString("success_line"),
                JSON.readValue(rs.getString("failure_lines"), STRINGS),
                Duration.ofSeconds(rs.getLong("install_deadline_seconds")),
                JSON.readValue(rs.getString("distros"), STRINGS), JSON.readValue(rs.getString("profiles"), STRINGS),
                rs.getString("default_suite"), diskSize,
                rs.getString("team"), rs.getBoolean("reference"), rs.getTimestamp("registered_at").toInstant(),
                rs.getString("darksite"));
    }
}
