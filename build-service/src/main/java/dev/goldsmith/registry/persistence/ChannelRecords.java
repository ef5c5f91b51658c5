package dev.goldsmith.registry.persistence;

import dev.goldsmith.api.ChannelRef;
import dev.goldsmith.api.ChannelView;
import dev.goldsmith.registry.ChannelKey;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Where channels point ({@code channels}) and every assignment ever made ({@code channel_assignments}). */
@Repository
public class ChannelRecords {

    private final JdbcClient jdbc;

    public ChannelRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<ChannelView> current(ChannelKey key) {
        return jdbc.sql("""
                        select image_name, assigned_at, assigned_by from channels
                         where team = ? and channel = ? and distro = ? and profile = ?
                        """)
                .params(key.team(), key.channel(), key.distro(), key.profile())
                .query((rs, n) -> new ChannelView(key.team(), key.channel(), key.distro(), key.profile(),
                        rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3)))
                .optional();
    }

    /** Points the channel at {@code image} (null clears it) and adds the assignment to its history. */
    public ChannelView assign(ChannelKey key, String image, String action, String actor, String detail) {
        Timestamp at = jdbc.sql("""
                        insert into channels (team, channel, distro, profile, image_name, assigned_at, assigned_by)
                        values (?, ?, ?, ?, ?, now(), ?)
                        on conflict (team, channel, distro, profile) do update
                           set image_name = excluded.image_name, assigned_at = excluded.assigned_at,
                               assigned_by = excluded.assigned_by
                        returning assigned_at
                        """)
                .params(key.team(), key.channel(), key.distro(), key.profile(), image, actor)
                .query(Timestamp.class)
                .single();
        jdbc.sql("""
                        insert into channel_assignments (team, channel, distro, profile, image_name, action, actor, detail)
                        values (?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                .params(key.team(), key.channel(), key.distro(), key.profile(), image, action, actor, detail)
                .update();
        return new ChannelView(key.team(), key.channel(), key.distro(), key.profile(), image, at.toInstant(), actor);
    }

    /** The channels (of every team) that point at the image, locked until the transaction ends. */
    public List<ChannelKey> pointingAtForUpdate(String image) {
        return jdbc.sql("""
                        select team, channel, distro, profile from channels where image_name = ?
                         order by team, channel, distro, profile for update
                        """)
                .param(image)
                .query((rs, n) -> new ChannelKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
    }

    /** The version most recently assigned to the channel that is not revoked. */
    public Optional<String> lastGood(ChannelKey key) {
        return jdbc.sql("""
                        select a.image_name from channel_assignments a join images i on i.name = a.image_name
                         where a.team = ? and a.channel = ? and a.distro = ? and a.profile = ?
                           and i.revoked_at is null
                         order by a.id desc limit 1
                        """)
                .params(key.team(), key.channel(), key.distro(), key.profile())
                .query(String.class)
                .optional();
    }

    /** The channels pointing at each image; only {@code team}'s unless {@code team} is null. */
    public Map<String, List<ChannelRef>> pointingAt(List<String> images, String team) {
        Map<String, List<ChannelRef>> refs = new LinkedHashMap<>();
        images.forEach(image -> refs.put(image, new ArrayList<>()));
        if (images.isEmpty()) {
            return refs;
        }
        jdbc.sql("""
                        select image_name, team, channel from channels
                         where image_name in (:images) and (cast(:team as varchar) is null or team = :team)
                         order by team, channel
                        """)
                .param("images", images)
                .param("team", team)
                .query((rs, n) -> Map.entry(rs.getString(1), new ChannelRef(rs.getString(2), rs.getString(3))))
                .list()
                .forEach(entry -> refs.get(entry.getKey()).add(entry.getValue()));
        return refs;
    }
}
