package dev.goldsmith.worker.vm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds out whether KVM really works: {@code /dev/kvm} can exist and still hang (no vmx/svm). The probe boots
 * OVMF under KVM for a short time and waits for the firmware's first line on the guest's serial console; only
 * guest code that ran proves KVM. The serial console is QEMU's standard output; what QEMU itself says (its error
 * messages, which may mention "UEFI" or a firmware path) goes to standard error and proves nothing. Otherwise
 * the worker uses TCG and says why.
 */
public final class AccelProbe {

    /** What OVMF's boot manager prints on the serial console once the firmware runs. */
    static final String FIRMWARE_RAN = "BdsDxe";

    private final Firmware firmware;
    private final Duration timeout;
    private final Path kvmDevice;
    private final String qemu;

    public AccelProbe(Firmware firmware, Duration timeout) {
        this(firmware, timeout, Path.of("/dev/kvm"), "qemu-system-x86_64");
    }

    AccelProbe(Firmware firmware, Duration timeout, Path kvmDevice, String qemu) {
        this.firmware = firmware;
        this.timeout = timeout;
        this.kvmDevice = kvmDevice;
        this.qemu = qemu;
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
        List<String> command = List.of(qemu, "-accel", accel, "-machine", "q35", "-m", "64",
                "-nodefaults", "-no-user-config", "-display", "none", "-nic", "none", "-monitor", "none",
                "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + firmware.code(),
                "-serial", "stdio", "-no-reboot");
        Path errors;
        Process process;
        try {
            errors = Files.createTempFile("goldsmith-accel-probe-", ".err");
        } catch (IOException e) {
            return "probe failed: " + e.getMessage();
        }
        try {
            process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        } catch (IOException e) {
            deleteQuietly(errors);
            return "cannot start " + qemu + ": " + e.getMessage();
        }
        try (InputStream serial = process.getInputStream()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            StringBuilder seen = new StringBuilder();
            while (System.nanoTime() < deadline) {
                while (serial.available() > 0) {
                    seen.append((char) serial.read());
                }
                if (seen.indexOf(FIRMWARE_RAN) >= 0) {
                    return null;
                }
                if (!process.isAlive()) {
                    return "qemu exited " + process.exitValue() + ": " + said(errors, seen);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            return "no firmware output within " + timeout.toSeconds() + " s";
        } catch (IOException e) {
            return "probe failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "probe interrupted";
        } finally {
            process.destroyForcibly();
            deleteQuietly(errors);
        }
    }

    private static String said(Path errors, CharSequence serial) {
        try {
            String text = (Files.readString(errors, StandardCharsets.UTF_8) + serial).strip();
            return text.length() > 500 ? text.substring(0, 500) : text;
        } catch (IOException e) {
            return serial.toString().strip();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
