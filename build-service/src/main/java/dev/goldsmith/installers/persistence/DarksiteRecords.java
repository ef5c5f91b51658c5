package dev.goldsmith.installers.persistence;

import dev.goldsmith.api.DarksiteObject;
import dev.goldsmith.installers.Darksite;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Recorded darksites ({@code darksites}): one row per digest, never deleted (builds and images name them). */
@Repository
public class DarksiteRecords {

    private final JdbcClient jdbc;

    public DarksiteRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Darksite> find(String digest) {
        return jdbc.sql("""
                        select digest, packages, archive_key, archive_sha256, archive_size, lock_key, lock_sha256,
                               lock_size, created_at
                          from darksites where digest = ?
                        """)
                .param(digest).query(DarksiteRecords::darksite).optional();
    }

    /**
     * Records the darksite, or what its objects now hold should one have been stored again (another replica at
     * the same time, or an object that had gone); its creation time stays.
     */
    public void save(Darksite darksite) {
        jdbc.sql("""
                        insert into darksites (digest, packages, archive_key, archive_sha256, archive_size, lock_key,
                                               lock_sha256, lock_size)
                        values (?, ?, ?, ?, ?, ?, ?, ?)
                        on conflict (digest) do update
                           set packages = excluded.packages, archive_key = excluded.archive_key,
                               archive_sha256 = excluded.archive_sha256, archive_size = excluded.archive_size,
                               lock_key = excluded.lock_key, lock_sha256 = excluded.lock_sha256,
                               lock_size = excluded.lock_size
                        """)
                .params(darksite.digest(), darksite.packages(), darksite.archive().objectKey(),
                        darksite.archive().sha256(), darksite.archive().size(), darksite.lock().objectKey(),
                        darksite.lock().sha256(), darksite.lock().size())
                .update();
    }

    private static Darksite darksite(ResultSet rs, int n) throws SQLException {
        return new Darksite(rs.getString("digest"), rs.getInt("packages"),
                new DarksiteObject(rs.getString("archive_key"), rs.getString("archive_sha256"),
                        rs.getLong("archive_size")),
                new DarksiteObject(rs.getString("lock_key"), rs.getString("lock_sha256"), rs.getLong("lock_size")),
                rs.getTimestamp("created_at").toInstant());
    }
}
