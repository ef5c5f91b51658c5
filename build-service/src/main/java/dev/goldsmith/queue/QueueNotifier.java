package dev.goldsmith.queue;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tells every control-plane instance that the queue changed. PostgreSQL delivers the NOTIFY when the caller's
 * transaction commits, so a woken claimer always sees the new row. A hint only: claimers also poll.
 */
@Component
public class QueueNotifier {

    static final String CHANNEL = "goldsmith_queue";

    private final JdbcClient jdbc;

    public QueueNotifier(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void buildQueued() {
        jdbc.sql("select 1 from pg_notify('" + CHANNEL + "', '')").query(Integer.class).single();
    }
}
