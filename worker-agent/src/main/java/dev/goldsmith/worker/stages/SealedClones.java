package dev.goldsmith.worker.stages;

import dev.goldsmith.api.CheckResult;
import dev.goldsmith.worker.StopSignal;
import dev.goldsmith.worker.seed.NoCloudSeed;
import dev.goldsmith.worker.ssh.BuildKey;
import dev.goldsmith.worker.ssh.GuestShell;
import dev.goldsmith.worker.vm.Commands;
import dev.goldsmith.worker.vm.Disk;
import dev.goldsmith.worker.vm.FreePorts;
import dev.goldsmith.worker.vm.QemuVm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The proof that sealing worked: the exported disk booted twice as throwaway clones (copy-on-write overlays),
 * each with its own cloud-init NoCloud seed, must come up with its own machine-id and SSH host key (both unlike
 * the ones the build saw before sealing), the host name its seed gave, and the build's key refused.
 */
public final class SealedClones {

    /** What a running system is known by: the ids sealing must make every clone regenerate. */
    public record Identity(String machineId, String hostKey) {

        public static Identity of(BootedGuest guest) throws IOException {
            String machineId = guest.shell().run("cat /etc/machine-id", Duration.ofMinutes(1)).output().strip();
            return new Identity(machineId, guest.shell().hostKeyFingerprint());
        }
    }

    /** One clone's first boot as it reported itself, with the ZFS snapshots it carries (one per line). */
    record Clone(String hostname, Identity identity, String reportedHostname, boolean buildKeyAccepted,
            String snapshots) {
    }

    static final String USER = "goldsmith-verify";
    private static final int CLONES = 2;
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(1);
    private static final String MACHINE_ID = "[0-9a-f]{32}";

    private final Duration bootDeadline;

    public SealedClones(Duration bootDeadline) {
        this.bootDeadline = bootDeadline;
    }

    public List<CheckResult> prove(BuildContext build, Path sealedDisk, Identity beforeSeal) throws IOException,
            StageFailure, StopSignal.StoppedException, InterruptedException {
        long start = System.nanoTime();
        BuildKey cloneKey = BuildKey.generate("goldsmith-sealed-clone-check");
        List<Clone> clones = new ArrayList<>();
        for (int i = 1; i <= CLONES; i++) {
            clones.add(boot(build, sealedDisk, i, cloneKey));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        List<CheckResult> results = judge(clones, beforeSeal, build.spec().imageName(), millis);
        results.forEach(r -> build.log().step("check " + r.name() + ": " + (r.passed() ? "passed" : "FAILED")
                + " (" + r.output().replace('\n', ';') + ")"));
        return results;
    }

    private Clone boot(BuildContext build, Path sealedDisk, int number, BuildKey cloneKey) throws IOException,
            StageFailure, StopSignal.StoppedException, InterruptedException {
        String role = "clone" + number;
        String hostname = "sealed-clone-" + number;
        Path overlay = build.dir().resolve(role + ".qcow2");
        Commands.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", sealedDisk.toString(), "-F", "qcow2",
                overlay.toString()), COMMAND_TIMEOUT).orThrow();
        Path seed = NoCloudSeed.write(build.dir(), role + "-cidata", "goldsmith-" + UUID.randomUUID(), hostname,
                USER, cloneKey.publicKeyLine());
        int port = FreePorts.pick();
        var spec = build.vm(role).disk(Disk.virtio("disk", overlay, "qcow2").bootable())
                .disk(new Disk("cidata", seed, "raw", true, null, false)).sshOn(port).build();
        build.log().step("booting sealed clone " + number + " of " + sealedDisk.getFileName()
                + " with a NoCloud seed (host name " + hostname + ")");
        try (QemuVm vm = build.start(spec, line -> { });
                GuestShell shell = GuestLogin.await(build, vm, port, USER, cloneKey.pair(), bootDeadline,
                        GuestLogin.WantedBoot.ANY, "sealed clone " + number)) {
            String machineId = shell.run("cat /etc/machine-id", COMMAND_TIMEOUT).output().strip();
            String reported = shell.run("hostname", COMMAND_TIMEOUT).output().strip();
            boolean buildKeyAccepted = GuestShell.canLogIn(port, build.user(), build.key().pair(),
                    Duration.ofSeconds(10));
            // The verify user has no sudo; listing is allowed to every user of /dev/zfs.
            String snapshots = shell.run("zfs list -H -t snapshot -o name 2>&1 || sudo -n zfs list -H -t snapshot "
                    + "-o name 2>&1", COMMAND_TIMEOUT).output();
            return new Clone(hostname, new Identity(machineId, shell.hostKeyFingerprint()), reported,
                    buildKeyAccepted, snapshots);
        }
    }

    static List<CheckResult> judge(List<Clone> clones, Identity beforeSeal, String imageName, long millis) {
        Clone a = clones.get(0);
        Clone b = clones.get(1);
        String ids = "before sealing " + beforeSeal.machineId() + "; clone 1 " + a.identity().machineId()
                + "; clone 2 " + b.identity().machineId();
        boolean idsFresh = clones.stream().allMatch(c -> c.identity().machineId().matches(MACHINE_ID)
                && !c.identity().machineId().equals(beforeSeal.machineId()))
                && !a.identity().machineId().equals(b.identity().machineId());
        String keys = "before sealing " + beforeSeal.hostKey() + "; clone 1 " + a.identity().hostKey()
                + "; clone 2 " + b.identity().hostKey();
        boolean keysFresh = clones.stream().allMatch(c -> !c.identity().hostKey().equals(beforeSeal.hostKey()))
                && !a.identity().hostKey().equals(b.identity().hostKey());
        boolean namesFromSeed = clones.stream().allMatch(c -> c.hostname().equals(c.reportedHostname()));
        String names = "clone 1 " + a.reportedHostname() + " (seed " + a.hostname() + "); clone 2 "
                + b.reportedHostname() + " (seed " + b.hostname() + ")";
        boolean buildKeyRefused = clones.stream().noneMatch(Clone::buildKeyAccepted);
        String method = "boot 2 clones of the sealed disk, each with its own NoCloud seed; ";
        List<String> snapshots = a.snapshots().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        boolean sealedSnapshot = snapshots.stream().anyMatch(l -> l.matches("[^@/]+/ROOT/[^@]+@"
                + java.util.regex.Pattern.quote(imageName))) && snapshots.stream().noneMatch(l -> l.contains("@install-"));
        return List.of(
                result("sealed-clones-distinct-machine-ids", method + "cat /etc/machine-id", idsFresh, ids, millis),
                result("sealed-clones-distinct-host-keys", method + "SSH host key fingerprints", keysFresh, keys,
                        millis),
                result("sealed-clones-hostname-from-nocloud", method + "hostname", namesFromSeed, names, millis),
                result("sealed-clones-build-key-refused", method + "ssh with the build key", buildKeyRefused,
                        buildKeyRefused ? "refused on both clones" : "a clone let the build key in", millis),
                result("sealed-snapshot-only", method + "zfs list -t snapshot (expect <pool>/ROOT/<be>@"
                        + imageName + ", no @install-*)", sealedSnapshot, String.join("; ", snapshots), millis));
    }

    private static CheckResult result(String name, String command, boolean passed, String output, long millis) {
        return new CheckResult(name, command, passed ? 0 : 1, passed, output, millis);
    }
}
