package dev.goldsmith.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaseKeeperTest {

    @Test
    void theHeartbeatIsAsAskedUnlessALeaseCouldNotSurviveTwoLostBeats() {
        assertThat(LeaseKeeper.interval(Duration.ofSeconds(20), Duration.ofMinutes(2))).isEqualTo(Duration.ofSeconds(20));
        assertThat(LeaseKeeper.interval(Duration.ofSeconds(20), Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofSeconds(10).dividedBy(3));
    }

    @Test
    void theWorkersSettingsNeverPrintItsToken() {
        WorkerSettings settings = WorkerSettings.fromEnvironment(Map.of("GOLDSMITH_URL", "http://cp:8080",
                "GOLDSMITH_WORKER_TOKEN", "gs_very-secret-worker-token"));

        assertThat(settings.toString()).doesNotContain("very-secret").contains("token=<hidden>", "http://cp:8080");
    }
}
