package dev.goldsmith.worker.stages;

import dev.goldsmith.api.CheckResult;
import dev.goldsmith.worker.ssh.BuildKey;
import dev.goldsmith.worker.ssh.GuestShell;
import java.io.IOException;
import java.time.Duration;

/**
 * The {@code root-login-refused} check, proven rather than assumed: a throwaway key is authorized for root for
 * the length of the check, so a refused login means the SSH server refuses root, not that root lacked a key.
 * Where OpenSSH is installed its effective configuration must also say {@code permitrootlogin no}. Root's
 * {@code authorized_keys} is put back as it was before the image goes on to SEAL.
 */
final class RootLoginProbe {

    static final String NAME = "root-login-refused";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(10);
    private static final String BACKUP = "/root/.ssh/.goldsmith-probe-backup";

    /** Appends standard input to root's authorized keys, keeping a copy of the file to restore. */
    static final String AUTHORIZE = "sudo sh -c 'umask 077; mkdir -p /root/.ssh; rm -f " + BACKUP + "; "
            + "if [ -e /root/.ssh/authorized_keys ]; then cp -p /root/.ssh/authorized_keys " + BACKUP + "; fi; "
            + "cat >> /root/.ssh/authorized_keys'";
    static final String RESTORE = "sudo sh -c 'if [ -e " + BACKUP + " ]; then mv -f " + BACKUP
            + " /root/.ssh/authorized_keys; else rm -f /root/.ssh/authorized_keys; fi'";
    /** Prints sshd's effective PermitRootLogin, or nothing on a system without OpenSSH. */
    static final String SSHD_SETTING = "if command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; then "
            + "sudo /usr/sbin/sshd -T 2>&1 | grep -i '^permitrootlogin' || echo 'permitrootlogin unknown'; fi";

    private RootLoginProbe() {
    }

    static CheckResult run(BootedGuest guest) throws IOException {
        long start = System.nanoTime();
        String command = "authorize a throwaway key for root; ssh root@guest with it (must be refused); "
                + SSHD_SETTING;
        BuildKey probe = BuildKey.generate("goldsmith-root-login-probe");
        GuestShell.Outcome authorized = guest.shell().run(AUTHORIZE, probe.publicKeyLine() + "\n", COMMAND_TIMEOUT);
        boolean rootGotIn;
        try {
            if (authorized.exitStatus() != 0) {
                return result(command, 1, false, "could not authorize a key for root, so a refusal would prove "
                        + "nothing (exit " + authorized.exitStatus() + "): " + authorized.output(), start);
            }
            rootGotIn = GuestShell.canLogIn(guest.sshPort(), "root", probe.pair(), LOGIN_TIMEOUT);
        } finally {
            GuestShell.Outcome restored = guest.shell().run(RESTORE, COMMAND_TIMEOUT);
            if (restored.exitStatus() != 0) {
                throw new IOException("could not restore root's authorized_keys: " + restored.output());
            }
        }
        String setting = guest.shell().run(SSHD_SETTING, COMMAND_TIMEOUT).output().strip();
        return judge(command, rootGotIn, setting, start);
    }

    /** Passes when root was refused and, where OpenSSH is installed, it says {@code permitrootlogin no}. */
    static CheckResult judge(String command, boolean rootGotIn, String sshdSetting, long start) {
        boolean sshdAgrees = sshdSetting.isEmpty() || sshdSetting.equalsIgnoreCase("permitrootlogin no");
        String sshd = sshdSetting.isEmpty() ? "no OpenSSH server installed" : "sshd -T: " + sshdSetting;
        if (rootGotIn) {
            return result(command, 0, false, "root logged in with a key authorized for root; " + sshd, start);
        }
        if (!sshdAgrees) {
            return result(command, 1, false, "root login was refused, but sshd's effective configuration does "
                    + "not say 'permitrootlogin no' (" + sshd + ")", start);
        }
        return result(command, 255, true, "root login refused with a key authorized for root; " + sshd, start);
    }

    private static CheckResult result(String command, int exit, boolean passed, String output, long start) {
        return new CheckResult(NAME, command, exit, passed, output, (System.nanoTime() - start) / 1_000_000);
    }
}
