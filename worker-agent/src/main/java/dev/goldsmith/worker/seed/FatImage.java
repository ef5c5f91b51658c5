package dev.goldsmith.worker.seed;

import dev.goldsmith.worker.vm.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A small labelled FAT image holding a few files, written with mkfs.vfat and mtools (no mount: the host may have
 * no vfat). Seed disks of both kinds are made this way: kldload's {@code KLDLOADSEED} and cloud-init's
 * {@code CIDATA}.
 */
final class FatImage {

    static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

    private FatImage() {
    }

    /** Makes {@code image} (2 MiB) labelled {@code label} and copies each file in under its own name. */
    static Path write(Path image, String label, List<Path> files) throws IOException {
        Files.deleteIfExists(image);
        Commands.run(List.of("mkfs.vfat", "-C", "-n", label, image.toString(), "2048"), TOOL_TIMEOUT).orThrow();
        for (Path file : files) {
            Commands.run(List.of("mcopy", "-i", image.toString(), file.toString(), "::" + file.getFileName()),
                    TOOL_TIMEOUT).orThrow();
        }
        return image;
    }

    /** The volume label as a FAT reader sees it. */
    static String label(Path image) throws IOException {
        return Commands.run(List.of("mlabel", "-s", "-i", image.toString(), "::"), TOOL_TIMEOUT).orThrow().output();
    }

    /** One file's content, read back with mtype. */
    static String read(Path image, String name) throws IOException {
        return Commands.run(List.of("mtype", "-i", image.toString(), "::" + name), TOOL_TIMEOUT).orThrow().output();
    }
}
