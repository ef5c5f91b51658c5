package dev.goldsmith.worker.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The reference-tiny installer medium, built by the repo's script (cached across runs by its inputs). */
final class ReferenceTiny {

    private ReferenceTiny() {
    }

    /** Builds (or reuses) the medium and returns the directory holding {@code reference-tiny.img}. */
    static synchronized Path mediumDir() throws Exception {
        Path out = Path.of("target", "installers").toAbsolutePath();
        Files.createDirectories(out);
        Path script = Path.of("..", "installers", "reference-tiny", "build.sh").toAbsolutePath();
        Path log = out.resolve("build.log");
        Process build = new ProcessBuilder(List.of(script.toString(), out.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!build.waitFor(15, TimeUnit.MINUTES) || build.exitValue() != 0) {
            throw new IllegalStateException("building reference-tiny failed: " + Files.readString(log));
        }
        if (!Files.exists(out.resolve("reference-tiny.img"))) {
            throw new IllegalStateException("build.sh wrote no reference-tiny.img");
        }
        return out;
    }
}
