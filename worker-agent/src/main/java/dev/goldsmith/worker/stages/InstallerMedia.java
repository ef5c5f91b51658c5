package dev.goldsmith.worker.stages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a build's installer medium is on this worker ({@code <dir>/<name>.img} or {@code .iso}), and the size
 * of the blank target disk it installs onto: the reference installers know what they need; anything else gets
 * the worker's default.
 */
public final class InstallerMedia {

    private static final Map<String, String> TARGET_SIZES = Map.of(
            "reference-tiny", "512M",
            "reference-debian-zfs", "8G");

    private final Path dir;
    private final String defaultTargetSize;

    public InstallerMedia(Path dir, String defaultTargetSize) {
        this.dir = dir;
        this.defaultTargetSize = defaultTargetSize;
    }

    public Path medium(String installer) throws IOException {
        for (String extension : List.of(".img", ".iso")) {
            Path medium = dir.resolve(installer + extension);
            if (Files.isRegularFile(medium)) {
                return medium;
            }
        }
        throw new IOException("installer medium '" + installer + "' is not in " + dir);
    }

    public String targetSize(String installer) {
        return TARGET_SIZES.getOrDefault(installer, defaultTargetSize);
    }
}
