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

/** Writes a build's stored log, and when following, what arrives until the build ends. */
@Component
public class BuildLogs {

    private static final int PAGE = 500;
    private static final Duration FOLLOW_POLL = Duration.ofMillis(500);
    private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    private final BuildRecords records;
    private final JdbcClient jdbc;

    public BuildLogs(BuildRecords records, JdbcClient jdbc) {
        this.records = records;
        this.jdbc = jdbc;
    }

    public void write(UUID buildId, boolean follow, OutputStream out) throws IOException {
        int attempt = -1;
        long seq = -1;
        while (true) {
            boolean ended = !follow || ENDED.contains(status(buildId));
            List<BuildRecords.LogRow> rows = records.logsAfter(buildId, attempt, seq, PAGE);
            for (BuildRecords.LogRow row : rows) {
                if (row.attempt() != attempt) {
                    out.write(("=== attempt " + row.attempt() + " ===\n").getBytes(StandardCharsets.UTF_8));
                }
                out.write(row.lines().getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                attempt = row.attempt();
                seq = row.seq();
            }
            out.flush();
            if (rows.size() == PAGE) {
                continue;
            }
            if (ended) {
                return;
            }
            try {
                Thread.sleep(FOLLOW_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String status(UUID buildId) {
        return jdbc.sql("select status from builds where id = ?").param(buildId).query(String.class).single();
    }
}
