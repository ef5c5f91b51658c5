package dev.goldsmith.workers.persistence;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The statements on the claim path, in plain SQL: a worker asks for work often. */
@Repository
public class WorkerRecords {

    private static final TypeReference<List<String>> LABELS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public WorkerRecords(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** What the queue matches a worker on. */
    public record Offer(String arch, String accel, List<String> labels) {
    }

    /**
     * Returns what the worker offers and marks it seen, in one statement. The mark is written at most once a
     * second: a worker polling an empty queue then costs the database no write (and no WAL flush) per poll,
     * while "online" (seen within {@code goldsmith.workers.offline-after}) stays exact to the second.
     */
    public Optional<Offer> touch(UUID workerId) {
        return jdbc.sql("""
                        with worker as (select id, arch, accel, labels from workers where id = :id),
                        seen as (update workers w set last_seen_at = now() from worker
                                  where w.id = worker.id and w.last_seen_at < now() - interval '1 second')
                        select arch, accel, labels::text from worker
                        """)
                .param("id", workerId)
                .query((rs, n) -> new Offer(rs.getString(1), rs.getString(2), json.readValue(rs.getString(3), LABELS)))
                .optional();
    }
}
