package dev.goldsmith.scheduling;

import dev.goldsmith.scheduling.persistence.ScheduleMarkRecords;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Cron schedules that fire once per slot across every replica: each schedule's last slot is kept in the
 * database, and a replica fires a slot only if it moves the mark there itself. Slots missed while no replica ran
 * collapse into one firing; a schedule fires first at its first slot after it was first seen. Times are UTC.
 */
@Component
public class Schedules {

    private final ScheduleMarkRecords marks;
    private final Clock clock;

    Schedules(ScheduleMarkRecords marks, Clock clock) {
        this.marks = marks;
        this.clock = clock;
    }

    /** A cron expression (Spring's six fields); one that does not parse throws IllegalArgumentException. */
    public static CronExpression parse(String expression) {
        return CronExpression.parse(expression);
    }

    /**
     * The slot of the schedule {@code name} that is due now, if this caller is the one to fire it: each slot is
     * answered once, on one replica.
     */
    public Optional<Instant> claimDue(String name, CronExpression cron) {
        Instant now = clock.instant();
        Optional<Instant> last = marks.lastSlot(name);
        if (last.isEmpty()) {
            marks.start(name, now);
            return Optional.empty();
        }
        Instant slot = null;
        // Slots missed long ago are not walked one by one: a week back is as far as a firing looks.
        Instant from = last.get().isBefore(now.minus(java.time.Duration.ofDays(7)))
                ? now.minus(java.time.Duration.ofDays(7)) : last.get();
        for (Instant next = next(cron, from); next != null && !next.isAfter(now); next = next(cron, next)) {
            slot = next;
        }
        return slot != null && marks.advance(name, last.get(), slot) ? Optional.of(slot) : Optional.empty();
    }

    /** Forgets a schedule that is gone (a deleted policy), so that one made again starts afresh. */
    public void forget(String name) {
        marks.forget(name);
    }

    private static Instant next(CronExpression cron, Instant after) {
        ZonedDateTime next = cron.next(after.atZone(ZoneOffset.UTC));
        return next == null ? null : next.toInstant();
    }
}
