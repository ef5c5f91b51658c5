package dev.goldsmith.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in {@code reference-tiny} medium in a data directory, which the service registers at start-up as it
 * would the real one, so builds can name the default installer (tests that boot it are the worker's end-to-end
 * tests).
 */
public final class ReferenceMedia {

    public static final byte[] STAND_IN = "stand-in reference-tiny medium\n".getBytes(StandardCharsets.UTF_8);

    private ReferenceMedia() {
    }

    public static Path inDataDir(Path dataDir) {
        try {
            Files.createDirectories(dataDir.resolve("installers"));
            Files.write(dataDir.resolve("installers").resolve("reference-tiny.img"), STAND_IN);
            return dataDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
