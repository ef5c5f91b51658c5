package dev.goldsmith.worker.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On start, ends what a previous run of this agent left: QEMU processes named in pid files under the work
 * directory (only if their command line really is a QEMU of ours), then the build directories themselves.
 */
public final class LeftoverCleaner {

    private static final Logger log = LoggerFactory.getLogger(LeftoverCleaner.class);

    private LeftoverCleaner() {
    }

    public static int clean(Path buildsDir) throws IOException {
        if (!Files.isDirectory(buildsDir)) {
            return 0;
        }
        int killed = 0;
        List<Path> pidFiles;
        try (Stream<Path> files = Files.walk(buildsDir, 2)) {
            pidFiles = files.filter(p -> p.getFileName().toString().endsWith(".pid")).toList();
        }
        for (Path pidFile : pidFiles) {
            if (killIfOurs(pidFile, buildsDir)) {
                killed++;
            }
        }
        try (Stream<Path> all = Files.walk(buildsDir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(buildsDir)) {
                    Files.deleteIfExists(path);
                }
            }
        }
        return killed;
    }

    private static boolean killIfOurs(Path pidFile, Path buildsDir) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            var handle = ProcessHandle.of(pid);
            if (handle.isEmpty()) {
                return false;
            }
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            String command = Files.exists(cmdline)
                    ? new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ') : "";
            if (!command.contains("qemu-system") || !command.contains(buildsDir.toString())) {
                return false;
            }
            handle.get().destroyForcibly();
            handle.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            log.warn("Killed QEMU pid {} left by a previous run ({})", pid, pidFile.getParent().getFileName());
            return true;
        } catch (Exception e) {
            log.debug("pid file {} not usable: {}", pidFile, e.getMessage());
            return false;
        }
    }
}
