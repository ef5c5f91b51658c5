package dev.goldsmith.worker.stages;

import dev.goldsmith.api.CheckResult;
import dev.goldsmith.worker.StopSignal;
import dev.goldsmith.worker.ssh.GuestShell;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * TEST's boot-environment proof for ZFS-on-root images: {@code kbe create} + {@code activate} + reboot lands in
 * the new environment (a clone: a file written after it was made is not there), activating the old one and
 * rebooting brings the old one back (with the file), and the check's environment is destroyed again so the image
 * does not ship it. Each step is a check; the cycle stops at the first that fails.
 */
public final class BootEnvironmentCycle {

    static final String CHECK_BE = "goldsmith-be-check";
    static final String MARKER = "/etc/goldsmith-be-check-marker";
    private static final String BE_ROOT = "rpool/ROOT/";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final String WHERE_AM_I = "findmnt -n -o SOURCE /; test -e " + MARKER
            + " && echo marker-present || echo marker-absent";

    private final Duration rebootDeadline;

    public BootEnvironmentCycle(Duration rebootDeadline) {
        this.rebootDeadline = rebootDeadline;
    }

    public List<CheckResult> run(BuildContext build, BootedGuest guest) throws IOException, StageFailure,
            StopSignal.StoppedException, InterruptedException {
        List<CheckResult> results = new ArrayList<>();
        String root = guest.shell().run("findmnt -n -o SOURCE /", COMMAND_TIMEOUT).output().strip();
        if (!root.startsWith(BE_ROOT)) {
            results.add(failed("be-create-activate", "findmnt -n -o SOURCE /",
                    "/ is " + root + ", not a boot environment under " + BE_ROOT));
            return results;
        }
        String original = root.substring(BE_ROOT.length());
        build.log().step("boot environments: running in " + original + "; creating and activating " + CHECK_BE);

        if (!step(build, guest, results, "be-create-activate",
                "sudo kbe create " + CHECK_BE + " && sudo touch " + MARKER + " && sudo kbe activate " + CHECK_BE
                        + " && sudo kbe list",
                out -> nextBoot(out, CHECK_BE), CHECK_BE + " listed as the next boot (R)")) {
            return results;
        }
        if (!rebootInto(build, guest, results, "be-boots-new", CHECK_BE, "marker-absent")) {
            return results;
        }
        if (!step(build, guest, results, "be-activate-previous", "sudo kbe activate " + original + " && sudo kbe list",
                out -> nextBoot(out, original), original + " listed as the next boot (R)")) {
            return results;
        }
        if (!rebootInto(build, guest, results, "be-boots-previous", original, "marker-present")) {
            return results;
        }
        step(build, guest, results, "be-check-removed", "sudo kbe destroy " + CHECK_BE + " && sudo rm -f " + MARKER
                + " && ! sudo zfs list -H " + BE_ROOT + CHECK_BE + " 2>/dev/null", out -> true,
                CHECK_BE + " destroyed");
        return results;
    }

    /** Whether {@code kbe list} shows {@code be} with the R flag (boots next). */
    static boolean nextBoot(String kbeList, String be) {
        Pattern row = Pattern.compile("^" + Pattern.quote(be) + "\\s+\\S*R\\S*\\s", Pattern.MULTILINE);
        return row.matcher(kbeList).find();
    }

    /** Whether {@link #WHERE_AM_I}'s answer is the boot environment {@code be} with the marker as expected. */
    static boolean landedIn(String answer, String be, String marker) {
        List<String> lines = answer.strip().lines().map(String::strip).toList();
        return lines.size() == 2 && lines.get(0).equals(BE_ROOT + be) && lines.get(1).equals(marker);
    }

    private static boolean step(BuildContext build, BootedGuest guest, List<CheckResult> results, String name,
            String command, Predicate<String> expectation, String expectationText) throws IOException {
        GuestShell.Outcome outcome = guest.shell().run(command, COMMAND_TIMEOUT);
        boolean passed = outcome.exitStatus() == 0 && expectation.test(outcome.output());
        String output = build.log().mask(outcome.output());
        return record(build, results, new CheckResult(name, command, outcome.exitStatus(), passed,
                passed ? output : "expected " + expectationText + "\n" + output, outcome.durationMs()));
    }

    private boolean rebootInto(BuildContext build, BootedGuest guest, List<CheckResult> results, String name,
            String be, String marker) throws IOException, StageFailure, StopSignal.StoppedException,
            InterruptedException {
        long start = System.nanoTime();
        String bootId = guest.shell().run("cat /proc/sys/kernel/random/boot_id", COMMAND_TIMEOUT).output().strip();
        try {
            guest.shell().run("sudo systemctl reboot", Duration.ofSeconds(30));
        } catch (IOException connectionDropped) {
            // The guest may close the session before answering; the new boot id tells whether it rebooted.
        }
        build.log().step("rebooting to check boot environment " + be);
        guest.reconnected(GuestLogin.await(build, guest.vm(), guest.sshPort(), build.user(), build.key().pair(),
                rebootDeadline, shell -> !shell.run("cat /proc/sys/kernel/random/boot_id", COMMAND_TIMEOUT).output()
                        .strip().equals(bootId), "reboot into " + be));
        GuestShell.Outcome where = guest.shell().run(WHERE_AM_I, COMMAND_TIMEOUT);
        boolean passed = where.exitStatus() == 0 && landedIn(where.output(), be, marker);
        String output = passed ? where.output()
                : "expected / from " + BE_ROOT + be + " and " + marker + "\n" + where.output();
        return record(build, results, new CheckResult(name, "sudo systemctl reboot; " + WHERE_AM_I,
                where.exitStatus(), passed, output, (System.nanoTime() - start) / 1_000_000));
    }

    private static boolean record(BuildContext build, List<CheckResult> results, CheckResult result) {
        build.log().step("check " + result.name() + ": " + (result.passed() ? "passed" : "FAILED") + " (exit "
                + result.exitStatus() + ", " + result.durationMs() + " ms)");
        results.add(result);
        return result.passed();
    }

    private static CheckResult failed(String name, String command, String why) {
        return new CheckResult(name, command, 1, false, why, 0);
    }
}
