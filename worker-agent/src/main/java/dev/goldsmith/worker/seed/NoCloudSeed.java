package dev.goldsmith.worker.seed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A cloud-init NoCloud seed: a FAT image labelled {@code CIDATA} with {@code meta-data} (instance id and host
 * name) and {@code user-data} (one user who logs in with the given key). It is how a sealed image meets its
 * first boot in a cloud, so the farm boots its clones with one.
 */
public final class NoCloudSeed {

    public static final String LABEL = "CIDATA";

    private NoCloudSeed() {
    }

    /** Writes {@code <dir>/<name>.img}; every value is the farm's own (generated ids, host names, keys). */
    public static Path write(Path dir, String name, String instanceId, String hostname, String user,
            String publicKeyLine) throws IOException {
        Path files = Files.createDirectories(dir.resolve(name));
        Path metaData = Files.writeString(files.resolve("meta-data"),
                metaData(instanceId, hostname), StandardCharsets.UTF_8);
        Path userData = Files.writeString(files.resolve("user-data"), userData(user, publicKeyLine),
                StandardCharsets.UTF_8);
        return FatImage.write(dir.resolve(name + ".img"), LABEL, List.of(metaData, userData));
    }

    static String metaData(String instanceId, String hostname) {
        return "instance-id: " + instanceId + "\nlocal-hostname: " + hostname + "\n";
    }

    static String userData(String user, String publicKeyLine) {
        return String.join("\n",
                "#cloud-config",
                "users:",
                "  - name: " + user,
                "    lock_passwd: true",
                "    shell: /bin/bash",
                "    ssh_authorized_keys:",
                "      - \"" + publicKeyLine + "\"",
                "");
    }

    /** Reads one of the seed's files back (for tests). */
    public static String read(Path image, String file) throws IOException {
        return FatImage.read(image, file);
    }
}
