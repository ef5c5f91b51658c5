package dev.goldsmith.registry.persistence;

import dev.goldsmith.registry.Image;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Image versions ({@code images}). A row never changes but for sharing and a one-time revocation. */
@Repository
public class ImageRecords {

    private static final String COLUMNS = "i.name, i.team, i.distro, i.profile, i.installer, i.installer_sha256, "
            + "i.darksite, i.source_repository, "
            + "i.source_commit, i.fingerprint, i.build_id, i.shared, i.provenance_keyid, i.created_at, i.revoked_at, "
            + "i.revoked_by, i.revoke_reason";
    /**
     * What a team may see: its own versions, shared ones, and any a channel of the team points at (sharing
     * withdrawn later must not break the team's registry).
     */
    private static final String VISIBLE = "(:admin or i.team = :team or i.shared or exists "
            + "(select 1 from channels c where c.image_name = i.name and c.team = :team))";

    private final JdbcClient jdbc;

    public ImageRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Image image, String provenance) {
        jdbc.sql("""
                        insert into images (name, build_id, team, distro, profile, installer, installer_sha256,
                                            darksite, source_repository, source_commit, fingerprint, provenance,
                                            provenance_keyid, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                .params(image.name(), image.buildId(), image.team(), image.distro(), image.profile(),
                        image.installer(), image.installerSha256(), image.darksite(), image.sourceRepository(),
                        image.sourceCommit(), image.fingerprint(),
                        provenance, image.provenanceKeyId(), Timestamp.from(image.createdAt()))
                .update();
    }

    public Optional<Image> find(String name) {
        return jdbc.sql("select " + COLUMNS + " from images i where i.name = ?").param(name)
                .query(ImageRecords::image).optional();
    }

    /** The version a team's channel points at, in one statement (what Terraform polls). */
    public Optional<Image> findByChannel(String team, String channel, String distro, String profile) {
        return jdbc.sql("select " + COLUMNS + " from channels c join images i on i.name = c.image_name"
                        + " where c.team = ? and c.channel = ? and c.distro = ? and c.profile = ?")
                .params(team, channel, distro, profile)
                .query(ImageRecords::image).optional();
    }

    public Optional<Image> findVisible(String name, String team, boolean admin) {
        return jdbc.sql("select " + COLUMNS + " from images i where i.name = :name and " + VISIBLE)
                .param("name", name).param("team", team).param("admin", admin)
                .query(ImageRecords::image).optional();
    }

    /** Reads the version and holds it against revocation until the transaction ends. */
    public Optional<Image> findVisibleForShare(String name, String team, boolean admin) {
        return jdbc.sql("select " + COLUMNS + " from images i where i.name = :name and " + VISIBLE + " for share of i")
                .param("name", name).param("team", team).param("admin", admin)
                .query(ImageRecords::image).optional();
    }

    /** Newest first, after {@code (afterCreated, afterName)} when given. */
    public List<Image> page(String team, boolean admin, String distro, String profile, Instant afterCreated,
            String afterName, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from images i where " + VISIBLE);
        MapSqlParameterSource params = new MapSqlParameterSource().addValue("team", team).addValue("admin", admin);
        if (distro != null) {
            sql.append(" and i.distro = :distro");
            params.addValue("distro", distro);
        }
        if (profile != null) {
            sql.append(" and i.profile = :profile");
            params.addValue("profile", profile);
        }
        if (afterCreated != null) {
            sql.append(" and (i.created_at, i.name) < (:afterCreated, :afterName)");
            params.addValue("afterCreated", Timestamp.from(afterCreated));
            params.addValue("afterName", afterName);
        }
        sql.append(" order by i.created_at desc, i.name desc limit :limit");
        params.addValue("limit", limit);
        return jdbc.sql(sql.toString()).paramSource(params).query(ImageRecords::image).list();
    }

    /** The DSSE envelope, byte for byte as signed and stored. */
    public Optional<String> provenance(String name) {
        return jdbc.sql("select provenance from images where name = ?").param(name).query(String.class).optional();
    }

    /** Marks the version revoked; false when it already was. */
    public boolean revoke(String name, String actor, String reason) {
        return jdbc.sql("""
                        update images set revoked_at = now(), revoked_by = ?, revoke_reason = ?
                         where name = ? and revoked_at is null
                        """)
                .params(actor, reason, name)
                .update() == 1;
    }

    public void share(String name, boolean shared) {
        jdbc.sql("update images set shared = ? where name = ?").params(shared, name).update();
    }

    private static Image image(ResultSet rs, int row) throws SQLException {
        return new Image(rs.getString("name"), rs.getString("team"), rs.getString("distro"), rs.getString("profile"),
                rs.getString("installer"), rs.getString("installer_sha256"), rs.getString("darksite"),
                rs.getString("source_repository"), rs.getString("source_commit"),
                rs.getString("fingerprint"), rs.getObject("build_id", UUID.class), rs.getBoolean("shared"),
                rs.getString("provenance_keyid"), instant(rs, "created_at"), instant(rs, "revoked_at"),
                rs.getString("revoked_by"), rs.getString("revoke_reason"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
