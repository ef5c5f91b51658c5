package dev.goldsmith.support;

import dev.goldsmith.api.DarksitePackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Test data builder: the files a medium's build writes beside it, {@code darksite.lock} (a comment line, then
 * {@code name version arch sha256 size} lines), {@code darksite.digest} and {@code darksite-<hex>.tar}, for a
 * few made-up packages whose digests are unique to this darksite.
 * {@code aDarksite().withPackages(3).writeTo(dir)}.
 */
public final class DarksiteFiles {

    private int count = 3;
    private String declaredDigest;
    private String extraLine;
    private final String salt = UUID.randomUUID().toString();

    private DarksiteFiles() {
    }

    public static DarksiteFiles aDarksite() {
        return new DarksiteFiles();
    }

    public DarksiteFiles withPackages(int value) { this.count = value; return this; }
    /** Writes this digest into {@code darksite.digest} (and names the tar after it) instead of the lock's. */
    public DarksiteFiles declaringDigest(String value) { this.declaredDigest = value; return this; }
    /** Adds a line as is after the package lines. */
    public DarksiteFiles withLine(String value) { this.extraLine = value; return this; }

    public List<DarksitePackage> packages() {
        List<DarksitePackage> packages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "pkg" + (char) ('a' + i);
            packages.add(new DarksitePackage(name, "1:2.3-" + i + "+deb12u1", i % 2 == 0 ? "amd64" : "all",
                    ImageFiles.sha256((salt + name).getBytes(StandardCharsets.UTF_8)), 1000L + i));
        }
        return packages;
    }

    /** The package lines, each followed by a newline: what the digest is taken over. */
    public String packageLines() {
        StringBuilder lines = new StringBuilder();
        packages().forEach(p -> lines.append(p.name()).append(' ').append(p.version()).append(' ')
                .append(p.architecture()).append(' ').append(p.sha256()).append(' ').append(p.size()).append('\n'));
        return lines.toString();
    }

    public String lock() {
        return "# test darksite lock: name version arch sha256 size\n" + packageLines()
                + (extraLine == null ? "" : extraLine + "\n");
    }

    /** {@code sha256:} + the SHA-256 of the package lines (what {@code grep -v '^#' darksite.lock | sha256sum} gives). */
    public String digest() {
        return declaredDigest != null ? declaredDigest
                : "sha256:" + ImageFiles.sha256(packageLines().getBytes(StandardCharsets.UTF_8));
    }

    public String hex() {
        return digest().substring("sha256:".length());
    }

    /** A stand-in for the package set's tar (the control plane stores it as is). */
    public byte[] archive() {
        return ("stand-in darksite archive " + salt + "\n").repeat(50).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the three files into {@code dir} and returns it. */
    public Path writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("darksite.lock"), lock(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("darksite.digest"), digest() + "\n", StandardCharsets.UTF_8);
            Files.write(dir.resolve("darksite-" + hex() + ".tar"), archive());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
