package dev.goldsmith.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Files that hold the farm's secrets (keys, the embedded database's password): readable by their owner alone,
 * never half written, and made once even when replicas sharing the directory start together.
 */
public final class SecretFiles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    /** The file's text (stripped), written first from {@code generated} when the file does not exist yet. */
    public static String readOrCreate(Path file, Supplier<String> generated) {
        try {
            if (!Files.exists(file)) {
                createOnce(file, generated.get());
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    /**
     * Writes {@code text} to {@code file} (mode 0600, its directory 0700 when made here) unless the file exists;
     * true when this call wrote it. The text goes to a temporary file under its final mode first, then is linked
     * into place: a link, unlike a rename, fails when the name exists, so whoever made the file first keeps it.
     */
    public static boolean createOnce(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path written = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(written, text);
            Files.createLink(file, written);
            return true;
        } catch (FileAlreadyExistsException raced) {
            return false;
        } finally {
            Files.deleteIfExists(written);
        }
    }

    /**
     * A key of at least 32 bytes, base64 in a file: {@code configured} when set (it must exist), else
     * {@code <dataDir>/<generated>}, made with 32 random bytes at first start. {@code what} names the key in errors.
     */
    public static byte[] key(Path configured, Path dataDir, String generated, String what) {
        boolean generate = configured == null || configured.toString().isBlank();
        Path file = generate ? dataDir.resolve(generated) : configured;
        try {
            String text = generate ? readOrCreate(file, () -> randomBase64(32) + "\n") : Files.readString(file).strip();
            byte[] decoded = Base64.getDecoder().decode(text);
            if (decoded.length < 32) {
                throw new IllegalStateException(what + " " + file + " must hold at least 32 bytes, base64; make one "
                        + "with: head -c 32 /dev/urandom | base64 > " + file);
            }
            return decoded;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(what + " " + file + " is not base64", e);
        }
    }

    /** {@code bytes} random bytes, base64 (a key file's usual contents). */
    public static String randomBase64(int bytes) {
        return Base64.getEncoder().encodeToString(random(bytes));
    }

    /** {@code bytes} random bytes, base64url without padding (safe in URLs, configuration and command lines). */
    public static String randomToken(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random(bytes));
    }

    private static byte[] random(int bytes) {
        byte[] fresh = new byte[bytes];
        RANDOM.nextBytes(fresh);
        return fresh;
    }
}
