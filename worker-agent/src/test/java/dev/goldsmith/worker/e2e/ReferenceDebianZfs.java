package dev.goldsmith.worker.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference-debian-zfs medium, built by the repo's script beside reference-tiny (so the farm registers both).
 * The script caches its darksite, zfs module and medium by their inputs: about 4 s when nothing changed, a few
 * minutes when the installer did, about 15 minutes on a fresh machine (DKMS builds the module once).
 */
final class ReferenceDebianZfs {

    private ReferenceDebianZfs() {
    }

    /** Builds (or reuses) the medium next to reference-tiny's; returns the wall time the script took. */
    static Duration build(Path out) throws Exception {
        Path script = Path.of("..", "installers", "reference-debian-zfs", "build.sh").toAbsolutePath();
        Path log = out.resolve("reference-debian-zfs-build.log");
        long start = System.nanoTime();
        Process build = new ProcessBuilder(List.of(script.toString(), out.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!build.waitFor(60, TimeUnit.MINUTES) || build.exitValue() != 0) {
            build.destroyForcibly();
            throw new IllegalStateException("building reference-debian-zfs failed: " + Files.readString(log));
        }
        if (!Files.exists(out.resolve("reference-debian-zfs.img"))) {
            throw new IllegalStateException("build.sh wrote no reference-debian-zfs.img");
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
