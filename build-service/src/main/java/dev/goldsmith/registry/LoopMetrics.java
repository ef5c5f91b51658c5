package dev.goldsmith.registry;

import dev.goldsmith.registry.persistence.LoopMetricRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The golden loop's gauges, read from the database so that every replica shows the farm's numbers:
 * {@code goldsmith.rebuilds} (policy rebuilds by trigger and status) and {@code goldsmith.channel.medium.age}
 * (per channel, seconds since the medium its image was built from was superseded; 0 while it is current).
 * Refreshes by outcome are the counter {@code goldsmith.refreshes}, counted where they end.
 */
@Component
class LoopMetrics {

    private static final Logger log = LoggerFactory.getLogger(LoopMetrics.class);

    private final LoopMetricRecords records;
    private final MultiGauge rebuilds;
    private final MultiGauge ages;

    LoopMetrics(LoopMetricRecords records, MeterRegistry meters) {
        this.records = records;
        this.rebuilds = MultiGauge.builder("goldsmith.rebuilds")
                .description("Rebuilds channel policies submitted, by trigger and status").register(meters);
        this.ages = MultiGauge.builder("goldsmith.channel.medium.age").baseUnit("seconds")
                .description("Seconds since the medium of the channel's image was superseded (0: still current)")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${goldsmith.refresh.schedule-check-interval:10s}", initialDelayString = "3s")
    void read() {
        try {
            rebuilds.register(records.rebuilds().stream().map(c -> MultiGauge.Row.of(
                    Tags.of("trigger", c.trigger(), "status", c.status()), c.builds())).toList(), true);
            ages.register(records.channelMediumAges().stream().map(a -> MultiGauge.Row.of(
                    Tags.of("team", a.team(), "channel", a.channel(), "distro", a.distro(), "profile", a.profile()),
                    a.seconds())).toList(), true);
        } catch (RuntimeException e) {
            log.warn("Golden loop gauges not read: {}", e.toString());
        }
    }
}
