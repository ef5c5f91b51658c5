package dev.goldsmith.installers;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.installers.persistence.InstallerRecords;
import dev.goldsmith.scheduling.Schedules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * {@code goldsmith.refresh.schedule}: at each slot of the cron expression, one replica refreshes every reference
 * medium the farm has registered (a medium never registered is not built by a schedule: its first build is an
 * operator's decision, the DKMS build of reference-debian-zfs takes most of an hour).
 */
@Component
class RefreshSchedule {

    static final String NAME = "refresh:reference-media";
    private static final Logger log = LoggerFactory.getLogger(RefreshSchedule.class);

    private final Schedules schedules;
    private final InstallerRefreshes refreshes;
    private final InstallerRecords installers;
    private final CronExpression cron;

    RefreshSchedule(Schedules schedules, InstallerRefreshes refreshes, InstallerRecords installers,
            GoldsmithProperties properties) {
        this.schedules = schedules;
        this.refreshes = refreshes;
        this.installers = installers;
        String schedule = properties.refresh().schedule();
        this.cron = schedule == null || schedule.isBlank() ? null : Schedules.parse(schedule);
    }

    @Scheduled(fixedDelayString = "${goldsmith.refresh.schedule-check-interval:10s}", initialDelayString = "5s")
    void fire() {
        if (cron == null) {
            return;
        }
        try {
            if (schedules.claimDue(NAME, cron).isEmpty()) {
                return;
            }
            for (var descriptor : ReferenceInstallers.DESCRIPTORS) {
                if (installers.find(descriptor.name()).isPresent()) {
                    var refresh = refreshes.request(descriptor.name(), InstallerRefreshes.Trigger.SCHEDULE,
                            "schedule:goldsmith.refresh.schedule", "farm");
                    log.info("Scheduled refresh {} of {}", refresh.id(), descriptor.name());
                }
            }
        } catch (RuntimeException e) {
            log.warn("Scheduled refresh failed: {}", e.toString());
        }
    }
}
