package dev.goldsmith.worker.seed;

import dev.goldsmith.worker.vm.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The seed disk a kldload installer looks for: a small FAT image labelled {@code KLDLOADSEED} holding
 * {@code answers.env}. Written with mkfs.vfat and mtools (no mount: the host may have no vfat).
 */
public final class SeedDisk {

    public static final String LABEL = "KLDLOADSEED";
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

    private SeedDisk() {
    }

    public static Path write(Path dir, String answersEnv) throws IOException {
        Path image = dir.resolve("seed.img");
        Path answers = dir.resolve("answers.env");
        Files.deleteIfExists(image);
        Files.writeString(Files.createFile(answers,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                answersEnv, StandardCharsets.UTF_8);
        try {
            Commands.run(List.of("mkfs.vfat", "-C", "-n", LABEL, image.toString(), "2048"), TOOL_TIMEOUT).orThrow();
            Commands.run(List.of("mcopy", "-i", image.toString(), answers.toString(), "::answers.env"), TOOL_TIMEOUT)
                    .orThrow();
        } finally {
            // The seed image holds the only other copy; it goes when the build's directory goes.
            Files.deleteIfExists(answers);
        }
        return image;
    }

    /** Reads answers.env back out of a seed image (for checks and tests). */
    public static String read(Path image) throws IOException {
        return Commands.run(List.of("mtype", "-i", image.toString(), "::answers.env"), TOOL_TIMEOUT).orThrow().output();
    }

    /** The volume label as a FAT reader sees it. */
    public static String label(Path image) throws IOException {
        return Commands.run(List.of("mlabel", "-s", "-i", image.toString(), "::"), TOOL_TIMEOUT).orThrow().output();
    }
}
