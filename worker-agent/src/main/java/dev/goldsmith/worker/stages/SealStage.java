package dev.goldsmith.worker.stages;

import dev.goldsmith.worker.StopSignal;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * SEAL, with kexport's semantics: the machine's identity, host keys, leases, the build's own login key,
 * journal and shell history go; cloud-init gets a datasource list; then a clean power-off, which must end the
 * VM by itself (a ZFS pool is exported on the way down).
 */
public final class SealStage {

    static final String SEAL_SCRIPT = String.join("\n",
            "set -e",
            ": > /etc/machine-id",
            "rm -f /var/lib/dbus/machine-id /etc/hostid",
            "rm -f /etc/ssh/ssh_host_* /etc/dropbear/dropbear_*_host_key",
            "rm -rf /var/lib/dhcp/* /var/lib/dhclient/* /var/lib/NetworkManager/*.lease /var/lib/udhcpc/*",
            "rm -rf /var/lib/cloud/instances /var/lib/cloud/instance /var/lib/cloud/data /var/lib/cloud/sem",
            "mkdir -p /etc/cloud/cloud.cfg.d",
            "printf 'datasource_list: [ NoCloud, ConfigDrive, OpenStack, Ec2, Azure, GCE, None ]\\n' "
                    + "> /etc/cloud/cloud.cfg.d/99-goldsmith-datasource.cfg",
            "if command -v cloud-init >/dev/null; then cloud-init clean --logs || true; fi",
            "rm -rf /var/log/journal/*",
            "rm -f /root/.bash_history /root/.ash_history /home/*/.bash_history /home/*/.ash_history",
            "rm -f /home/*/.ssh/authorized_keys",
            "");

    /**
     * On ZFS on root, after the cleanup: the install snapshots go (they hold the system as the build left it,
     * the build's login key included) and the sealed system is snapshotted under the image's name, the snapshot
     * an update is derived from and a fleet host matches. The name is the farm's own, checked before use.
     */
    static final String SNAPSHOT_SCRIPT = String.join("\n",
            "root=$(findmnt -n -o SOURCE / 2>/dev/null || true)",
            "case $root in",
            "*/ROOT/*)",
            "    pool=${root%%/*}",
            "    zfs list -H -t snapshot -o name -r \"$pool\" | grep '@install-' | while read -r snap; do",
            "        zfs destroy \"$snap\"",
            "    done",
            "    zfs snapshot -r \"$pool@$GOLDSMITH_IMAGE\"",
            "    echo \"sealed snapshot $pool@$GOLDSMITH_IMAGE\"",
            "    ;;",
            "esac",
            "");

    private static final Pattern IMAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,159}");

    private final Duration shutdownDeadline;

    /** The whole script SEAL runs as root in the guest, for an image of this name. */
    static String script(String imageName) {
        if (!IMAGE_NAME.matcher(imageName).matches()) {
            throw new IllegalArgumentException("not an image name: " + imageName);
        }
        return SEAL_SCRIPT + "GOLDSMITH_IMAGE=" + imageName + "\n" + SNAPSHOT_SCRIPT + "sync\n";
    }

    public SealStage(Duration shutdownDeadline) {
        this.shutdownDeadline = shutdownDeadline;
    }

    public void run(BuildContext build, BootedGuest guest) throws IOException, StageFailure,
            StopSignal.StoppedException, InterruptedException {
        var sealed = guest.shell().run("sudo sh -s", script(build.spec().imageName()), Duration.ofMinutes(5));
        if (sealed.exitStatus() != 0) {
            throw new StageFailure("SEAL_FAILED", "sealing failed (exit " + sealed.exitStatus() + "): "
                    + build.log().mask(sealed.output()), false);
        }
        build.log().step("sealed: machine-id emptied, host keys, leases, build key, journal and history removed"
                + (sealed.output().contains("sealed snapshot") ? "; install snapshots destroyed, "
                        + sealed.output().strip().lines().filter(l -> l.startsWith("sealed snapshot")).findFirst()
                        .orElse("") : ""));
        guest.shell().close();
        guest.vm().powerDown();
        if (!guest.vm().awaitExit(shutdownDeadline)) {
            build.stop().check();
            guest.vm().kill();
            throw new StageFailure("SEAL_FAILED", "the VM did not power off within " + shutdownDeadline, true);
        }
        if (guest.vm().exitValue() != 0) {
            throw new StageFailure("SEAL_FAILED", "the VM exited with status " + guest.vm().exitValue()
                    + " instead of a clean power-off", true);
        }
        build.log().step("clean power-off");
    }
}
