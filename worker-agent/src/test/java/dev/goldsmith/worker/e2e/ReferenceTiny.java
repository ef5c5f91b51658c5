package dev.goldsmith.worker.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The reference-tiny installer medium, built by the repo's script (cached across runs by its inputs). */
final class ReferenceTiny {

    private ReferenceTiny() {
    }

    /** Builds (or reuses) the medium and returns the directory holding {@code reference-tiny.img}. */
    static synchronized Path mediumDir() throws Exception {
        return build(Path.of("target", "installers").toAbsolutePath(), null);
    }

    /** An older package a medium can be pinned to: the archive serves both it and the candidate. */
    record Pin(String name, String older, String candidate) {
    }

    /**
     * The medium as it was before the archive's latest update of {@code pkg}: its package set is the current
     * one with {@code pkg} pinned to the other version the archive still serves (a point release beside its
     * -security or -updates successor). Answers the directory and the pin.
     */
    static synchronized Map.Entry<Path, Pin> olderMediumDir(String pkg) throws Exception {
        Path current = mediumDir();
        String shown = run(List.of("apt-cache", "show", pkg));
        List<String[]> versions = new java.util.ArrayList<>();
        String version = null;
        String arch = null;
        for (String line : shown.split("\n")) {
            if (line.startsWith("Version: ")) {
                version = line.substring(9).strip();
            } else if (line.startsWith("Architecture: ")) {
                arch = line.substring(14).strip();
            } else if (line.startsWith("SHA256: ") && version != null) {
                versions.add(new String[] {version, arch, line.substring(8).strip()});
            }
        }
        String lock = Files.readString(current.resolve("packages.lock"));
        String pinned = lock.lines().filter(l -> l.startsWith(pkg + " ")).findFirst()
                .orElseThrow(() -> new IllegalStateException(pkg + " is not in reference-tiny's package set"));
        String candidate = pinned.split(" ")[1];
        String[] older = versions.stream().filter(v -> !v[0].equals(candidate)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the archive serves only " + candidate + " of " + pkg
                        + ": the golden loop test needs an older version beside it"));
        Path out = Path.of("target", "installers-" + pkg + "-" + older[0].replaceAll("[^A-Za-z0-9.+-]", "_"))
                .toAbsolutePath();
        Files.createDirectories(out);
        Path olderLock = out.resolve("older.lock");
        Files.writeString(olderLock, lock.replace(pinned, pkg + " " + older[0] + " " + older[1] + " " + older[2]));
        return Map.entry(build(out, olderLock), new Pin(pkg, older[0], candidate));
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private static Path build(Path out, Path lock) throws Exception {
        Files.createDirectories(out);
        Path script = Path.of("..", "installers", "reference-tiny", "build.sh").toAbsolutePath();
        Path log = out.resolve("build.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(script.toString(), out.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        if (lock != null) {
            builder.environment().put("REFERENCE_TINY_LOCK", lock.toString());
        }
        Process build = builder.start();
        if (!build.waitFor(15, TimeUnit.MINUTES) || build.exitValue() != 0) {
            throw new IllegalStateException("building reference-tiny failed: " + Files.readString(log));
        }
        if (!Files.exists(out.resolve("reference-tiny.img"))) {
            throw new IllegalStateException("build.sh wrote no reference-tiny.img");
        }
        return out;
    }
}
