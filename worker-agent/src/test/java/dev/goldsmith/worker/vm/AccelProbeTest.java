package dev.goldsmith.worker.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe's decision both ways, with stand-in QEMUs that behave as a working or a broken KVM does, and on this
 * host's real KVM: the probe must agree with what the CPU and {@code /dev/kvm} offer, whichever that is.
 */
class AccelProbeTest {

    private static final Firmware OVMF = new Firmware(Path.of("/ovmf/CODE.fd"), Path.of("/ovmf/VARS.fd"));

    @TempDir
    Path dir;

    /** A stand-in {@code qemu-system-x86_64} running {@code body}, and a /dev/kvm this user can open. */
    private AccelProbe probeWith(String body, Duration timeout) throws IOException {
        Path qemu = dir.resolve("qemu-system-x86_64");
        Files.writeString(qemu, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwx------"));
        Path kvm = Files.createFile(dir.resolve("kvm"));
        return new AccelProbe(OVMF, timeout, kvm, qemu.toString());
    }

    @Test
    void forcedTcgSkipsTheProbe() {
        Accel accel = new AccelProbe(OVMF, Duration.ofSeconds(1)).choose("tcg");

        assertThat(accel).isEqualTo(new Accel("tcg", "GOLDSMITH_ACCEL=tcg"));
    }

    @Test
    void missingKvmDeviceFallsBackToTcgAndSaysWhy() {
        Accel accel = new AccelProbe(OVMF, Duration.ofSeconds(1), Path.of("/nonexistent/kvm"), "qemu-system-x86_64")
                .choose("auto");

        assertThat(accel.name()).isEqualTo("tcg");
        assertThat(accel.reason()).contains("/nonexistent/kvm does not exist");
    }

    @Test
    void firmwareOutputOnTheGuestsSerialConsoleChoosesKvm() throws IOException {
        Accel accel = probeWith("echo 'BdsDxe: loading Boot0001 \"UEFI Misc Device\"'; exec sleep 30",
                Duration.ofSeconds(10)).choose("auto");

        assertThat(accel).isEqualTo(new Accel("kvm", "a KVM guest ran OVMF"));
    }

    @Test
    void aGuestThatPrintsNothingInTimeFallsBackToTcg() throws IOException {
        Accel accel = probeWith("exec sleep 30", Duration.ofSeconds(2)).choose("auto");

        assertThat(accel.name()).isEqualTo("tcg");
        assertThat(accel.reason()).contains("no firmware output within 2 s");
    }

    @Test
    void qemusOwnErrorTextNamingUefiIsNoProofThatAGuestRan() throws IOException {
        AccelProbe probe = probeWith("echo 'qemu-system-x86_64: -drive if=pflash,file=/usr/share/OVMF/UEFI.fd: "
                + "failed to initialize kvm: Operation not supported (BdsDxe)' >&2; exit 1", Duration.ofSeconds(10));

        Accel accel = probe.choose("auto");

        assertThat(accel.name()).isEqualTo("tcg");
        assertThat(accel.reason()).contains("qemu exited 1", "failed to initialize kvm");
    }

    @Test
    void insistingOnKvmThatDoesNotWorkIsRefused() throws IOException {
        AccelProbe probe = probeWith("exit 1", Duration.ofSeconds(5));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> probe.choose("kvm"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GOLDSMITH_ACCEL=kvm but KVM does not work");
    }

    /** The probe's detector really sees firmware output from a running guest (here under TCG). */
    @Test
    @Tag("vm")
    void detectorSeesFirmwareOutputOfARunningGuest() {
        assertThat(new AccelProbe(Firmware.find(), Duration.ofSeconds(60)).runsFirmware("tcg")).isNull();
    }

    /**
     * On this host, the probe agrees with what it offers: a CPU with vmx or svm and a usable /dev/kvm run a guest
     * under KVM (as production workers do); without them the probe must not claim KVM works (as on these machines).
     */
    @Test
    @Tag("vm")
    void theProbeAgreesWithWhatThisHostOffers() throws IOException {
        Path kvm = Path.of("/dev/kvm");
        boolean offered = Files.readString(Path.of("/proc/cpuinfo")).matches("(?s).*\\bflags\\s*:.*\\b(vmx|svm)\\b.*")
                && Files.isReadable(kvm) && Files.isWritable(kvm);

        String failure = new AccelProbe(Firmware.find(), Duration.ofSeconds(20)).probeKvm();

        if (offered) {
            assertThat(failure).as("this host offers KVM, but the probe says").isNull();
        } else {
            assertThat(failure).as("this host offers no KVM, but the probe found it working").isNotNull();
        }
    }
}
