package dev.goldsmith.registry.persistence;

import dev.goldsmith.registry.ChannelKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Channel policies ({@code channel_policies}): what a channel does by itself, and the last rebuild it made. */
@Repository
public class PolicyRecords {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "team, channel, distro, profile, rebuild, schedule, promote, "
            + "secret_keys::text as secret_keys, secrets, updated_by, updated_at, last_rebuild, last_trigger, "
            + "last_refresh, last_failure, last_at";

    private final JdbcClient jdbc;

    public PolicyRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored policy; {@code secrets} sealed (null when it holds none). */
    public record Policy(ChannelKey key, String rebuild, String schedule, String promote, List<String> secretKeys,
            byte[] secrets, String updatedBy, Instant updatedAt, UUID lastRebuild, String lastTrigger,
            UUID lastRefresh, String lastFailure, Instant lastAt) {

        /** Leaves the sealed secrets out. */
        @Override
        public String toString() {
            return "Policy[" + key + ", rebuild=" + rebuild + ", schedule=" + schedule + ", promote=" + promote
                    + ", secretKeys=" + secretKeys + "]";
        }
    }

    /**
     * Writes the policy; unless {@code replaceSecrets}, the sealed secrets (and their keys) it held are kept.
     */
    public void save(ChannelKey key, String rebuild, String schedule, String promote, boolean replaceSecrets,
            List<String> secretKeys, byte[] secrets, String actor) {
        boolean keep = !replaceSecrets;
        jdbc.sql("""
                        insert into channel_policies (team, channel, distro, profile, rebuild, schedule, promote,
                                                      secret_keys, secrets, updated_by)
                        values (:team, :channel, :distro, :profile, :rebuild, :schedule, :promote,
                                cast(:keys as jsonb), :secrets, :actor)
                        on conflict (team, channel, distro, profile) do update
                           set rebuild = excluded.rebuild, schedule = excluded.schedule, promote = excluded.promote,
                               secret_keys = case when :keep then channel_policies.secret_keys
                                                  else excluded.secret_keys end,
                               secrets = case when :keep then channel_policies.secrets else excluded.secrets end,
                               updated_by = excluded.updated_by, updated_at = now()
                        """)
                .param("team", key.team()).param("channel", key.channel()).param("distro", key.distro())
                .param("profile", key.profile()).param("rebuild", rebuild).param("schedule", schedule)
                .param("promote", promote).param("keys", JSON.writeValueAsString(keep ? List.of() : secretKeys))
                .param("secrets", secrets).param("actor", actor).param("keep", keep)
                .update();
    }

    public Optional<Policy> find(ChannelKey key) {
        return jdbc.sql("select " + COLUMNS + " from channel_policies where team = ? and channel = ? and distro = ? "
                        + "and profile = ?")
                .params(key.team(), key.channel(), key.distro(), key.profile())
                .query(PolicyRecords::policy).optional();
    }

    public boolean delete(ChannelKey key) {
        return jdbc.sql("delete from channel_policies where team = ? and channel = ? and distro = ? and profile = ?")
                .params(key.team(), key.channel(), key.distro(), key.profile()).update() == 1;
    }

    /** Every policy that rebuilds when a medium is refreshed. */
    public List<Policy> rebuildingOnRefresh() {
        return jdbc.sql("select " + COLUMNS + " from channel_policies where rebuild = 'on-refresh' "
                        + "order by team, channel, distro, profile")
                .query(PolicyRecords::policy).list();
    }

    /** Every policy with a schedule. */
    public List<Policy> scheduled() {
        return jdbc.sql("select " + COLUMNS + " from channel_policies where schedule is not null "
                        + "order by team, channel, distro, profile")
                .query(PolicyRecords::policy).list();
    }

    /** The rebuild the policy submitted last (or was answered with), why, and for which refresh. */
    public void recordRebuild(ChannelKey key, UUID build, String trigger, UUID refresh, String failure) {
        jdbc.sql("""
                        update channel_policies
                           set last_rebuild = ?, last_trigger = ?, last_refresh = ?, last_failure = ?, last_at = now()
                         where team = ? and channel = ? and distro = ? and profile = ?
                        """)
                .params(build, trigger, refresh, failure == null ? null
                        : failure.length() > 2000 ? failure.substring(0, 2000) : failure,
                        key.team(), key.channel(), key.distro(), key.profile())
                .update();
    }

    private static Policy policy(ResultSet rs, int row) throws SQLException {
        Timestamp lastAt = rs.getTimestamp("last_at");
        return new Policy(new ChannelKey(rs.getString("team"), rs.getString("channel"), rs.getString("distro"),
                rs.getString("profile")), rs.getString("rebuild"), rs.getString("schedule"), rs.getString("promote"),
                JSON.readValue(rs.getString("secret_keys"), STRINGS), rs.getBytes("secrets"),
                rs.getString("updated_by"), rs.getTimestamp("updated_at").toInstant(),
                rs.getObject("last_rebuild", UUID.class), rs.getString("last_trigger"),
                rs.getObject("last_refresh", UUID.class), rs.getString("last_failure"),
                lastAt == null ? null : lastAt.toInstant());
    }
}
