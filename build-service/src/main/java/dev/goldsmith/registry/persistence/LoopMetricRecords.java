package dev.goldsmith.registry.persistence;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What the golden loop's gauges read, across every replica's work: rebuilds, and how stale each channel is. */
@Repository
public class LoopMetricRecords {

    private final JdbcClient jdbc;

    public LoopMetricRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Count(String trigger, String status, long builds) {
    }

    /** Rebuilds the policies submitted, by trigger and status. */
    public List<Count> rebuilds() {
        return jdbc.sql("select l.trigger_kind, b.status, count(*) from build_lineage l join builds b on b.id = l.build_id "
                        + "group by l.trigger_kind, b.status")
                .query((rs, n) -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3))).list();
    }

    public record ChannelAge(String team, String channel, String distro, String profile, double seconds) {
    }

    /**
     * For each channel on an image: 0 while the medium the image was built from is still what its installer name
     * stands for, else the seconds since the name was moved to a newer medium (by a refresh, or a registration).
     */
    public List<ChannelAge> channelMediumAges() {
        return jdbc.sql("""
                        select c.team, c.channel, c.distro, c.profile,
                               case when i.installer_sha256 = m.sha256 then 0
                                    else extract(epoch from now() - m.registered_at) end
                          from channels c
                          join images i on i.name = c.image_name
                          join installers m on m.name = i.installer
                        """)
                .query((rs, n) -> new ChannelAge(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getDouble(5)))
                .list();
    }
}
