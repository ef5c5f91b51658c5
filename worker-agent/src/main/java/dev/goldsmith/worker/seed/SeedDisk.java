package dev.goldsmith.worker.seed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** The seed disk a kldload installer looks for: a small FAT image labelled {@code KLDLOADSEED} holding answers.env. */
public final class SeedDisk {

    public static final String LABEL = "KLDLOADSEED";

    private SeedDisk() {
    }

    public static Path write(Path dir, String answersEnv) throws IOException {
        Path answers = dir.resolve("answers.env");
        Files.writeString(Files.createFile(answers,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                answersEnv, StandardCharsets.UTF_8);
        try {
            return FatImage.write(dir.resolve("seed.img"), LABEL, List.of(answers));
        } finally {
            // The seed image holds the only other copy; it goes when the build's directory goes.
            Files.deleteIfExists(answers);
        }
    }

    /** Reads answers.env back out of a seed image (for checks and tests). */
    public static String read(Path image) throws IOException {
        return FatImage.read(image, "answers.env");
    }

    /** The volume label as a FAT reader sees it. */
    public static String label(Path image) throws IOException {
        return FatImage.label(image);
    }
}
