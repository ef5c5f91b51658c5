package dev.goldsmith.scheduling.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The last slot each schedule fired in ({@code schedule_marks}). */
@Repository
public class ScheduleMarkRecords {

    private final JdbcClient jdbc;

    public ScheduleMarkRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Instant> lastSlot(String name) {
        return jdbc.sql("select last_slot from schedule_marks where name = ?").param(name).query(Timestamp.class)
                .optional().map(Timestamp::toInstant);
    }

    /** Starts a schedule's marks at {@code slot} (nothing before it fires); a mark already there stays. */
    public void start(String name, Instant slot) {
        jdbc.sql("insert into schedule_marks (name, last_slot) values (?, ?) on conflict (name) do nothing")
                .params(name, Timestamp.from(slot)).update();
    }

    /** Moves the mark from {@code from} to {@code to}; false when another replica moved it first. */
    public boolean advance(String name, Instant from, Instant to) {
        return jdbc.sql("update schedule_marks set last_slot = ? where name = ? and last_slot = ?")
                .params(Timestamp.from(to), name, Timestamp.from(from)).update() == 1;
    }

    public void forget(String name) {
        jdbc.sql("delete from schedule_marks where name = ?").param(name).update();
    }
}
