package dev.goldsmith.worker.stages;

import dev.goldsmith.worker.StopSignal;
import dev.goldsmith.worker.ssh.GuestShell;
import dev.goldsmith.worker.vm.QemuVm;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;

/**
 * Waits for a guest to let a user in over SSH: through boot, a reboot (where the old system may still answer
 * for a moment, so the caller says which boot it wants) or a clone's first boot with cloud-init.
 */
final class GuestLogin {

    /** Whether a session reached the boot the caller waits for. */
    @FunctionalInterface
    interface WantedBoot {
        boolean test(GuestShell shell) throws IOException;

        WantedBoot ANY = shell -> true;
    }

    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    private static final long RETRY_MILLIS = 1_000;

    private GuestLogin() {
    }

    static GuestShell await(BuildContext build, QemuVm vm, int port, String user, KeyPair key, Duration deadline,
            WantedBoot wanted, String what) throws StageFailure, StopSignal.StoppedException, InterruptedException {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        String last = null;
        while (System.nanoTime() < end) {
            build.stop().check();
            if (!vm.alive()) {
                throw new StageFailure("BOOT_FAILED", what + ": the VM exited (status " + vm.exitValue() + ")",
                        false);
            }
            GuestShell shell = null;
            try {
                shell = GuestShell.connect(port, user, key, ATTEMPT_TIMEOUT);
                if (wanted.test(shell)) {
                    build.log().step(what + ": SSH answered as " + user + " after "
                            + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s");
                    return shell;
                }
                last = "still the previous boot";
                shell.close();
            } catch (IOException e) {
                last = e.getMessage();
                if (shell != null) {
                    shell.close();
                }
            }
            Thread.sleep(RETRY_MILLIS);
        }
        vm.kill();
        throw new StageFailure("BOOT_FAILED", what + ": no SSH login as " + user + " within " + deadline
                + (last != null ? " (last: " + last + ")" : ""), false);
    }
}
