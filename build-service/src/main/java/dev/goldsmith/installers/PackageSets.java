package dev.goldsmith.installers;

import dev.goldsmith.api.PackageChange;
import dev.goldsmith.api.PackageChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Package sets as the farm's recipes write them ({@code name version architecture ...} per line, {@code #}
 * comments), and how one differs from another: what a refresh says changed, and what a diff of two images
 * says from their package lists.
 */
public final class PackageSets {

    private PackageSets() {
    }

    /** The versions of a lock's packages, by name (a package of two architectures as {@code name:arch}). */
    public static Map<String, String> versions(String lock) {
        Map<String, String> versions = new TreeMap<>();
        Map<String, Integer> seen = new TreeMap<>();
        List<String[]> lines = new ArrayList<>();
        for (String line : lock.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            if (fields.length >= 2) {
                lines.add(fields);
                seen.merge(fields[0], 1, Integer::sum);
            }
        }
        for (String[] fields : lines) {
            String name = seen.get(fields[0]) > 1 && fields.length >= 3 ? fields[0] + ":" + fields[2] : fields[0];
            versions.put(name, fields[1]);
        }
        return versions;
    }

    /** How {@code after} differs from {@code before}, both name → version. */
    public static PackageChanges changes(Map<String, String> before, Map<String, String> after) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<PackageChange> upgraded = new ArrayList<>();
        List<PackageChange> downgraded = new ArrayList<>();
        after.forEach((name, version) -> {
            String was = before.get(name);
            if (was == null) {
                added.add(name + " " + version);
            } else if (!was.equals(version)) {
                (DebianVersions.compare(version, was) > 0 ? upgraded : downgraded)
                        .add(new PackageChange(name, was, version));
            }
        });
        before.forEach((name, version) -> {
            if (!after.containsKey(name)) {
                removed.add(name + " " + version);
            }
        });
        return new PackageChanges(added, removed, upgraded, downgraded);
    }
}
