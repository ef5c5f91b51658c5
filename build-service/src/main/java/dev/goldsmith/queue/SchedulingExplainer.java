package dev.goldsmith.queue;

import dev.goldsmith.GoldsmithProperties;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Says why a queued build has not been claimed yet, in words an operator can act on. */
@Component
public class SchedulingExplainer {

    private record OnlineWorker(UUID id, String arch, String accel, List<String> labels, int slots, int running) {
    }

    /** The scheduling inputs of one queued build. */
    public record QueuedBuild(UUID id, String arch, String accel, List<String> workerLabels, int priority,
            Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final GoldsmithProperties properties;

    public SchedulingExplainer(JdbcClient jdbc, JsonMapper json, GoldsmithProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
    }

    public String explain(QueuedBuild build) {
        List<OnlineWorker> online = jdbc.sql("""
                        select w.id, w.arch, w.accel, w.labels::text, w.slots,
                               (select count(*) from builds b where b.worker_id = w.id and b.status = 'RUNNING') as running
                          from workers w
                         where w.last_seen_at > now() - make_interval(secs => ?)
                        """)
                .param(properties.workers().offlineAfter().toSeconds())
                .query((rs, n) -> new OnlineWorker(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        json.readValue(rs.getString(4), new TypeReference<List<String>>() { }), rs.getInt(5),
                        rs.getInt(6)))
                .list();
        if (online.isEmpty()) {
            return "no worker online";
        }
        List<OnlineWorker> fitting = online.stream().filter(w -> w.arch().equals(build.arch())).toList();
        if (fitting.isEmpty()) {
            return "no online worker offers arch=" + build.arch();
        }
        if (build.accel().equals("kvm")) {
            fitting = fitting.stream().filter(w -> w.accel().equals("kvm")).toList();
            if (fitting.isEmpty()) {
                return "no online worker offers accel=kvm";
            }
        }
        fitting = fitting.stream().filter(w -> w.labels().containsAll(build.workerLabels())).toList();
        if (fitting.isEmpty()) {
            return "no online worker has the labels " + build.workerLabels();
        }
        long ahead = jdbc.sql("""
                        select count(*) from builds
                         where status = 'QUEUED' and id <> :id
                           and (priority > :priority or (priority = :priority and created_at < :created))
                        """)
                .param("id", build.id())
                .param("priority", build.priority())
                .param("created", java.sql.Timestamp.from(build.createdAt()))
                .query(Long.class)
                .single();
        boolean allBusy = fitting.stream().allMatch(w -> w.running() >= w.slots());
        String position = ahead == 0 ? "next in line" : ahead + " queued build(s) ahead";
        return allBusy
                ? "all " + fitting.size() + " matching worker(s) are busy; " + position
                : "waiting for a matching worker to claim it; " + position;
    }
}
