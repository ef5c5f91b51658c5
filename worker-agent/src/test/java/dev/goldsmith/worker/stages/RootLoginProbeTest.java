package dev.goldsmith.worker.stages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RootLoginProbeTest {

    @Test
    void passesOnlyWhenRootWithAnAuthorizedKeyIsRefusedAndSshdSaysNo() {
        assertThat(RootLoginProbe.judge("c", false, "permitrootlogin no", 0).passed()).isTrue();
        assertThat(RootLoginProbe.judge("c", false, "", 0).passed()).as("dropbear, no sshd").isTrue();
    }

    @Test
    void failsWhenRootGotInWhateverTheConfigurationSays() {
        var result = RootLoginProbe.judge("c", true, "permitrootlogin no", 0);

        assertThat(result.passed()).isFalse();
        assertThat(result.output()).contains("root logged in");
    }

    @Test
    void failsWhenSshdWouldLetRootInAnotherWayThanTheProbesKey() {
        assertThat(RootLoginProbe.judge("c", false, "permitrootlogin prohibit-password", 0).passed()).isFalse();
        assertThat(RootLoginProbe.judge("c", false, "permitrootlogin unknown", 0).passed()).isFalse();
    }
}
