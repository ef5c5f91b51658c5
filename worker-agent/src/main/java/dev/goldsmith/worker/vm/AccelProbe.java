package dev.goldsmith.worker.vm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds out whether KVM really works: {@code /dev/kvm} can exist and still hang (no vmx/svm). The probe boots
 * OVMF under KVM for a short time and waits for the firmware's first serial output; only guest code that ran
 * proves KVM. Otherwise the worker uses TCG and says why.
 */
public final class AccelProbe {

    private final Firmware firmware;
    private final Duration timeout;
    private final Path kvmDevice;

    public AccelProbe(Firmware firmware, Duration timeout) {
        this(firmware, timeout, Path.of("/dev/kvm"));
    }

    AccelProbe(Firmware firmware, Duration timeout, Path kvmDevice) {
        this.firmware = firmware;
        this.timeout = timeout;
        this.kvmDevice = kvmDevice;
    }

    public Accel choose(String wanted) {
        if (wanted.equals("tcg")) {
            return new Accel("tcg", "GOLDSMITH_ACCEL=tcg");
        }
        String failure = probeKvm();
        if (failure == null) {
            return new Accel("kvm", "a KVM guest ran OVMF");
        }
        if (wanted.equals("kvm")) {
            throw new IllegalStateException("GOLDSMITH_ACCEL=kvm but KVM does not work: " + failure);
        }
        return new Accel("tcg", "KVM unusable (" + failure + "); falling back to TCG");
    }

    /** Null when KVM works, else why not. */
    String probeKvm() {
        if (!Files.exists(kvmDevice)) {
            return kvmDevice + " does not exist";
        }
        if (!Files.isReadable(kvmDevice) || !Files.isWritable(kvmDevice)) {
            return kvmDevice + " is not accessible to this user";
        }
        return runsFirmware("kvm");
    }

    /** Null when a guest under {@code accel} printed the firmware's first serial line in time, else why not. */
    String runsFirmware(String accel) {
        List<String> command = List.of("qemu-system-x86_64", "-accel", accel, "-machine", "q35", "-m", "64",
                "-nodefaults", "-no-user-config", "-display", "none", "-nic", "none", "-monitor", "none",
                "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + firmware.code(),
                "-serial", "stdio", "-no-reboot");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "cannot start qemu-system-x86_64: " + e.getMessage();
        }
        try (InputStream out = process.getInputStream()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            StringBuilder seen = new StringBuilder();
            while (System.nanoTime() < deadline) {
                while (out.available() > 0) {
                    seen.append((char) out.read());
                }
                if (seen.indexOf("BdsDxe") >= 0 || seen.indexOf("UEFI") >= 0) {
                    return null;
                }
                if (!process.isAlive()) {
                    return "qemu exited " + process.exitValue() + ": " + seen.toString().strip();
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            return "no guest output within " + timeout.toSeconds() + " s";
        } catch (IOException e) {
            return "probe failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "probe interrupted";
        } finally {
            process.destroyForcibly();
        }
    }
}
