package dev.goldsmith.worker.e2e;

import dev.goldsmith.worker.vm.Commands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads files out of the ext4 root partition of a raw disk image, without mounting (debugfs). */
final class DiskInspector {

    private final Path partition;

    private DiskInspector(Path partition) {
        this.partition = partition;
    }

    /** Extracts the disk's last partition (the root file system) from a raw image. */
    static DiskInspector rootOf(Path rawImage, Path workDir) throws IOException {
        String table = Commands.run(List.of("sfdisk", "-J", rawImage.toString()), Duration.ofSeconds(30)).orThrow()
                .output();
        Matcher start = Pattern.compile("\"start\":\\s*(\\d+),\\s*\"size\":\\s*(\\d+)").matcher(table);
        long offset = -1;
        long sectors = -1;
        while (start.find()) {
            offset = Long.parseLong(start.group(1)) * 512;
            sectors = Long.parseLong(start.group(2));
        }
        if (offset < 0) {
            throw new IOException("no partitions in " + rawImage + ": " + table);
        }
        Path partition = workDir.resolve("root.ext4");
        try (InputStream in = Files.newInputStream(rawImage); OutputStream out = Files.newOutputStream(partition)) {
            in.skipNBytes(offset);
            long remaining = sectors * 512;
            byte[] buffer = new byte[1 << 20];
            while (remaining > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                remaining -= n;
            }
        }
        return new DiskInspector(partition);
    }

    String cat(String file) throws IOException {
        return debugfs("cat " + file);
    }

    boolean exists(String file) throws IOException {
        return !debugfs("stat " + file).contains("File not found");
    }

    String list(String dir) throws IOException {
        return debugfs("ls -l " + dir);
    }

    private String debugfs(String request) throws IOException {
        String output = Commands.run(List.of("debugfs", "-R", request, partition.toString()), Duration.ofSeconds(30))
                .output();
        // debugfs announces itself on stderr, which Commands merges into the output.
        return output.replaceFirst("^debugfs [^\n]*\n", "");
    }
}
