package dev.goldsmith.builds;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.problems.ApiException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A team's abuse limits on new builds: how many may be queued or running at once, and how many may be submitted
 * within any minute. Both are counted in PostgreSQL under a per-team advisory lock, so they hold across replicas
 * and two concurrent submissions cannot both take the last place. Cache hits and idempotent replays never get here.
 */
@Component
class SubmissionLimits {

    static final Duration WINDOW = Duration.ofMinutes(1);
    /** No build's end can be foreseen; a client waiting this long finds the queue moved on. */
    static final Duration CONCURRENCY_RETRY = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final GoldsmithProperties.Limits limits;
    private final Clock clock;

    SubmissionLimits(JdbcClient jdbc, GoldsmithProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.limits = properties.limits();
        this.clock = clock;
    }

    /** Must run in the transaction that stores the build: the lock holds until it commits. */
    void admit(String team) {
        jdbc.sql("select 1 from pg_advisory_xact_lock(hashtext(?))").param("submit:" + team).query(Integer.class)
                .single();
        long active = jdbc.sql("select count(*) from builds where team = ? and status in ('QUEUED', 'RUNNING')")
                .param(team).query(Long.class).single();
        if (active >= limits.teamConcurrentBuilds()) {
            throw ApiException.rateLimited("Team '" + team + "' has " + active + " builds queued or running; the limit is "
                    + limits.teamConcurrentBuilds() + ".", CONCURRENCY_RETRY);
        }
        Instant now = clock.instant();
        Instant windowStart = now.minus(WINDOW);
        var recent = jdbc.sql("select count(*) as n, min(created_at) as oldest from builds "
                        + "where team = ? and created_at > ?")
                .params(team, Timestamp.from(windowStart))
                .query((rs, row) -> new Recent(rs.getLong("n"), rs.getTimestamp("oldest")))
                .single();
        if (recent.count() >= limits.teamSubmissionsPerMinute()) {
            // A place frees when the oldest submission in the window leaves it.
            Duration wait = recent.oldest() == null ? WINDOW
                    : Duration.between(now, recent.oldest().toInstant().plus(WINDOW));
            throw ApiException.rateLimited("Team '" + team + "' submitted " + recent.count()
                    + " builds within the last minute; the limit is " + limits.teamSubmissionsPerMinute() + ".",
                    wait.isNegative() ? Duration.ofSeconds(1) : wait);
        }
    }

    private record Recent(long count, Timestamp oldest) {
    }
}
