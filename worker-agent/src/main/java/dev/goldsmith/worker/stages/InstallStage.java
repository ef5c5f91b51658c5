package dev.goldsmith.worker.stages;

import dev.goldsmith.worker.StopSignal;
import dev.goldsmith.worker.seed.AnswersFile;
import dev.goldsmith.worker.seed.SeedDisk;
import dev.goldsmith.worker.vm.Commands;
import dev.goldsmith.worker.vm.Disk;
import dev.goldsmith.worker.vm.QemuVm;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * INSTALL: a blank qcow2 target, the seed disk with answers.env, the installer medium booted (under OVMF, or
 * SeaBIOS for a BIOS medium) with {@code -no-reboot}. The medium's descriptor says how it ends: the install is
 * done when the VM exits after printing the success line (kldload's {@code Install completed successfully}); a
 * failure line ends it at once; the deadline ends it otherwise. The serial console is in the build log either way.
 */
public final class InstallStage {

    private static final Duration FAILURE_GRACE = Duration.ofSeconds(5);

    private final String targetSize;
    private final Duration deadline;
    private final String successLine;
    private final List<String> failureLines;

    public InstallStage(String targetSize, Duration deadline, String successLine, List<String> failureLines) {
        this.targetSize = targetSize;
        this.deadline = deadline;
        this.successLine = successLine;
        this.failureLines = List.copyOf(failureLines);
    }

    public void run(BuildContext build) throws StageFailure, StopSignal.StoppedException, IOException,
            InterruptedException {
        Commands.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", build.installedDisk().toString(), targetSize),
                Duration.ofMinutes(1)).orThrow();
        var answers = AnswersFile.forBuild(build.spec().answers(), build.spec().distro(), build.spec().profile(),
                build.password(), build.key().publicKeyLine());
        var seed = SeedDisk.write(build.dir(), AnswersFile.render("answers.env of Goldsmith build "
                + build.spec().buildId() + " attempt " + build.spec().attempt(), answers));
        build.log().step("seed disk " + SeedDisk.LABEL + " written with " + answers.size() + " answers (keys: "
                + String.join(", ", answers.keySet()) + ")");

        AtomicReference<String> success = new AtomicReference<>();
        AtomicReference<String> failure = new AtomicReference<>();
        var spec = build.vm("install")
                .disk(Disk.virtio("target", build.installedDisk(), "qcow2"))
                .disk(Disk.installerMedium(build.installerMedium()))
                .disk(Disk.virtio("seed", seed, "raw"))
                .noReboot()
                .build();
        try (QemuVm vm = build.start(spec, line -> {
            if (line.contains(successLine)) {
                success.set(line);
            } else if (failureLines.stream().anyMatch(line::contains)) {
                failure.compareAndSet(null, line.strip());
            }
        })) {
            long end = System.nanoTime() + deadline.toNanos();
            while (!vm.awaitExit(Duration.ofMillis(500))) {
                build.stop().check();
                if (failure.get() != null) {
                    // Let the installer finish printing why, then stop it: it will not recover.
                    vm.awaitExit(FAILURE_GRACE);
                    vm.kill();
                    throw new StageFailure("INSTALL_FAILED", "installer reported: " + build.log().mask(failure.get()),
                            false);
                }
                if (System.nanoTime() > end) {
                    vm.kill();
                    throw new StageFailure("INSTALL_TIMEOUT", "the installer did not finish within " + deadline,
                            true);
                }
            }
            build.stop().check();
            if (failure.get() != null) {
                throw new StageFailure("INSTALL_FAILED", "installer reported: " + build.log().mask(failure.get()),
                        false);
            }
            if (success.get() == null) {
                throw new StageFailure("INSTALL_FAILED", "the installer VM exited (status " + vm.exitValue()
                        + ") without printing '" + successLine + "'", false);
            }
            build.log().step("install finished: VM exited after '" + successLine + "'");
        } finally {
            Files.deleteIfExists(seed);
        }
    }

    /** The password a build gets when its request gave none: random, used once, masked in the log. */
    public static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
