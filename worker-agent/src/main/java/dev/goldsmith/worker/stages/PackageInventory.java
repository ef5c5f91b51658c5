package dev.goldsmith.worker.stages;

import dev.goldsmith.api.InstalledPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What is installed in a booted image, as its package manager tells it, for the image's SBOM. One tab-separated
 * line per package ({@code name version architecture}); the reference-tiny system has no package manager and
 * keeps the lock of the Debian packages it was assembled from instead.
 */
final class PackageInventory {

    /** A fixed command: nothing from the build request goes into it. */
    static final String COMMAND = "if [ -f /etc/reference-tiny/packages.lock ]; then "
            + "awk '{print $1 \"\\t\" $2 \"\\t\" $3}' /etc/reference-tiny/packages.lock; "
            + "elif command -v dpkg-query >/dev/null 2>&1; then "
            + "dpkg-query -W -f '${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n' "
            + "| sed -n 's/^ii *\\t//p'; "
            // busybox has an rpm applet that is no package database: ask rpm only where one exists.
            + "elif [ -d /var/lib/rpm ] && command -v rpm >/dev/null 2>&1; then "
            + "rpm -qa --qf '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n'; fi";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._-]{0,127}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9.+~:_^-]{1,128}");
    private static final Pattern ARCHITECTURE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private PackageInventory() {
    }

    /** The packages in {@code output}; a line that is not {@code name<TAB>version[<TAB>arch]} is skipped. */
    static Parsed parse(String output) {
        List<InstalledPackage> packages = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String line : output.lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.strip().split("\t");
            String architecture = fields.length > 2 && !fields[2].isBlank() && !fields[2].equals("(none)")
                    ? fields[2] : null;
            if (fields.length >= 2 && NAME.matcher(fields[0]).matches() && VERSION.matcher(fields[1]).matches()
                    && (architecture == null || ARCHITECTURE.matcher(architecture).matches())) {
                packages.add(new InstalledPackage(fields[0], fields[1], architecture));
            } else {
                skipped.add(line);
            }
        }
        return new Parsed(List.copyOf(packages), List.copyOf(skipped));
    }

    record Parsed(List<InstalledPackage> packages, List<String> skipped) {
    }
}
