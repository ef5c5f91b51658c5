package dev.goldsmith.worker.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class AccelProbeTest {

    @Test
    void forcedTcgSkipsTheProbe() {
        Accel accel = new AccelProbe(Firmware.find(), Duration.ofSeconds(1)).choose("tcg");

        assertThat(accel).isEqualTo(new Accel("tcg", "GOLDSMITH_ACCEL=tcg"));
    }

    @Test
    void missingKvmDeviceFallsBackToTcgAndSaysWhy() {
        Accel accel = new AccelProbe(Firmware.find(), Duration.ofSeconds(1), Path.of("/nonexistent/kvm"))
                .choose("auto");

        assertThat(accel.name()).isEqualTo("tcg");
        assertThat(accel.reason()).contains("/nonexistent/kvm does not exist");
    }

    /** The probe's detector really sees firmware output from a running guest (here under TCG). */
    @Test
    @Tag("vm")
    void detectorSeesFirmwareOutputOfARunningGuest() {
        assertThat(new AccelProbe(Firmware.find(), Duration.ofSeconds(60)).runsFirmware("tcg")).isNull();
    }

    @Test
    @Tag("vm")
    void kvmThatCannotRunGuestCodeIsRefusedWithTheReason() {
        // On these machines /dev/kvm exists but KVM hangs or fails: the probe must not claim it works.
        String failure = new AccelProbe(Firmware.find(), Duration.ofSeconds(8)).probeKvm();

        assertThat(failure).isNotNull();
    }
}
