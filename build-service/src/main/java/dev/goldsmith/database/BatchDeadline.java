package dev.goldsmith.database;

import dev.goldsmith.GoldsmithProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The longer statement deadline of work done in batches (group commit, sweeps): connections start with the
 * request deadline, and a batch's transaction raises it for itself alone ({@code set local}).
 */
@Component
public class BatchDeadline {

    private final JdbcClient jdbc;
    private final String statement;

    BatchDeadline(JdbcClient jdbc, GoldsmithProperties properties) {
        this.jdbc = jdbc;
        this.statement = "set local statement_timeout = " + properties.db().batchTimeout().toMillis();
    }

    /** For the rest of the caller's transaction. */
    public void apply() {
        jdbc.sql(statement).update();
    }
}
