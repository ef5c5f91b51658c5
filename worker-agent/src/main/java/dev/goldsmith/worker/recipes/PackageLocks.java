package dev.goldsmith.worker.recipes;

import java.util.Set;
import java.util.TreeSet;

/** Package locks as the recipes write them: one package a line, {@code #} comments, whitespace-separated fields. */
public final class PackageLocks {

    private PackageLocks() {
    }

    /** Whether two locks pin the same packages, whatever their comments, order and spacing. */
    public static boolean same(String a, String b) {
        return a != null && b != null && packages(a).equals(packages(b));
    }

    public static Set<String> packages(String lock) {
        Set<String> lines = new TreeSet<>();
        for (String line : lock.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                lines.add(String.join(" ", trimmed.split("\\s+")));
            }
        }
        return lines;
    }
}
