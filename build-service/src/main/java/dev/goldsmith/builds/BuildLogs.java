package dev.goldsmith.builds;

import dev.goldsmith.builds.persistence.BuildRecords;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes a build's stored log, and when following, what arrives until the build ends. Lines the log budget
 * dropped are told at the end, in one line.
 */
@Component
public class BuildLogs {

    private static final int PAGE = 500;
    /** How long a follower waits for a wake-up before it looks again (chunks stored by another replica). */
    private static final Duration FOLLOW_POLL = Duration.ofSeconds(1);
    private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    private final BuildRecords records;
    private final JdbcClient jdbc;
    private final LogFollowers followers;

    public BuildLogs(BuildRecords records, JdbcClient jdbc, LogFollowers followers) {
        this.records = records;
        this.jdbc = jdbc;
        this.followers = followers;
    }

    public void write(UUID buildId, boolean follow, OutputStream out) throws IOException {
        if (follow) {
            followers.watch(buildId);
        }
        try {
            copy(buildId, follow, out);
        } finally {
            if (follow) {
                followers.stopWatching(buildId);
            }
        }
    }

    private void copy(UUID buildId, boolean follow, OutputStream out) throws IOException {
        int attempt = -1;
        long seq = -1;
        long dropped = 0;
        while (true) {
            boolean ended = !follow || ENDED.contains(status(buildId));
            List<BuildRecords.LogRow> rows = records.logsAfter(buildId, attempt, seq, PAGE);
            for (BuildRecords.LogRow row : rows) {
                if (row.attempt() != attempt) {
                    out.write(("=== attempt " + row.attempt() + " ===\n").getBytes(StandardCharsets.UTF_8));
                }
                if (row.lineCount() > 0) {
                    out.write(row.lines().getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                }
                dropped += row.dropped();
                attempt = row.attempt();
                seq = row.seq();
            }
            out.flush();
            if (rows.size() == PAGE) {
                continue;
            }
            if (ended) {
                if (dropped > 0) {
                    out.write(("[goldsmith] " + dropped + " more line(s) were dropped: the log had reached its "
                            + "budget\n").getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            followers.awaitChunk(FOLLOW_POLL);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    private String status(UUID buildId) {
        return jdbc.sql("select status from builds where id = ?").param(buildId).query(String.class).single();
    }
}
