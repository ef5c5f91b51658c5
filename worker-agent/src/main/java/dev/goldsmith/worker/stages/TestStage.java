package dev.goldsmith.worker.stages;

import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.InstalledPackage;
import dev.goldsmith.worker.StopSignal;
import dev.goldsmith.worker.ssh.GuestShell;
import dev.goldsmith.worker.vm.Commands;
import dev.goldsmith.worker.vm.Disk;
import dev.goldsmith.worker.vm.FreePorts;
import dev.goldsmith.worker.vm.QemuVm;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * TEST: boots the installed disk through a copy-on-write overlay (never the original), waits for SSH, runs the
 * suite check by check, and collects the installed packages (the SBOM) and {@code zfs list} where present.
 */
public final class TestStage {

    private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(2);
    private static final int OUTPUT_EXCERPT = 4000;

    private final Duration bootDeadline;

    public TestStage(Duration bootDeadline) {
        this.bootDeadline = bootDeadline;
    }

    public BootedGuest boot(BuildContext build) throws IOException, StageFailure, StopSignal.StoppedException,
            InterruptedException {
        Commands.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", build.installedDisk().toString(),
                "-F", "qcow2", build.testOverlay().toString()), Duration.ofMinutes(1)).orThrow();
        int port = FreePorts.pick();
        var spec = build.vm("test").disk(Disk.virtio("disk", build.testOverlay(), "qcow2").bootable()).sshOn(port)
                .build();
        QemuVm vm = build.start(spec, line -> { });
        GuestShell shell = GuestLogin.await(build, vm, port, build.user(), build.key().pair(), bootDeadline,
                GuestLogin.WantedBoot.ANY, "installed system");
        return new BootedGuest(vm, port, shell);
    }

    public List<CheckResult> run(BuildContext build, BootedGuest guest) throws IOException,
            StopSignal.StoppedException {
        List<CheckResult> results = new ArrayList<>();
        List<Check> suite = new ArrayList<>(SmokeSuites.suite(build.spec().tests(), build.hostname()));
        String darksite = build.spec().installerMedium().darksite();
        if (darksite != null) {
            suite.add(SmokeSuites.darksite(darksite));
        }
        for (Check check : suite) {
            build.stop().check();
            CheckResult result = check.command().equals(SmokeSuites.ROOT_LOGIN)
                    ? RootLoginProbe.run(guest)
                    : inGuest(build, guest, check);
            build.log().step("check " + result.name() + ": " + (result.passed() ? "passed" : "FAILED")
                    + " (exit " + result.exitStatus() + ", " + result.durationMs() + " ms)");
            results.add(result);
        }
        return results;
    }

    private static CheckResult inGuest(BuildContext build, BootedGuest guest, Check check) throws IOException {
        GuestShell.Outcome outcome = guest.shell().run(check.command(), CHECK_TIMEOUT);
        boolean passed = outcome.exitStatus() == 0 && check.expectation().test(outcome.output());
        String output = build.log().mask(outcome.output());
        if (!passed) {
            output = "expected " + check.expectationText() + "\n" + output;
        }
        return new CheckResult(check.name(), check.command(), outcome.exitStatus(), passed, excerpt(output),
                outcome.durationMs());
    }

    /**
     * The installed packages (for the image's SBOM, logged too) and the ZFS layout, into the build log. An image
     * without a package manager answers an empty list.
     */
    public List<InstalledPackage> inventory(BuildContext build, BootedGuest guest) throws IOException {
        var listed = guest.shell().run(PackageInventory.COMMAND, CHECK_TIMEOUT);
        PackageInventory.Parsed parsed = PackageInventory.parse(listed.output());
        build.log().step("installed packages (" + parsed.packages().size() + "):");
        parsed.packages().forEach(p -> build.log().append("  " + p.name() + " " + p.version()
                + (p.architecture() == null ? "" : " " + p.architecture())));
        parsed.skipped().forEach(line -> build.log().append("  (not a package line, left out of the SBOM) "
                + build.log().mask(line)));
        var zfs = guest.shell().run("command -v zfs >/dev/null && sudo zfs list -o name,used,mountpoint || true",
                CHECK_TIMEOUT);
        if (!zfs.output().isBlank()) {
            build.log().step("zfs list:");
            zfs.output().lines().forEach(line -> build.log().append("  " + line));
        }
        return parsed.packages();
    }

    private static String excerpt(String output) {
        return output.length() <= OUTPUT_EXCERPT ? output : output.substring(0, OUTPUT_EXCERPT) + "\n[...]";
    }
}
