package dev.goldsmith.support;

import dev.goldsmith.api.DarksitePackage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

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
    private String tampered;
    private String missing;
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
    /** Puts this package into the tar with one bit changed (the lock still pins the original). */
    public DarksiteFiles withTamperedPackage(String value) { this.tampered = value; return this; }
    /** Leaves this package out of the tar (the lock still pins it). */
    public DarksiteFiles withoutPackage(String value) { this.missing = value; return this; }

    public List<DarksitePackage> packages() {
        List<DarksitePackage> packages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = name(i);
            byte[] deb = deb(name);
            packages.add(new DarksitePackage(name, "1:2.3-" + i + "+deb12u1", i % 2 == 0 ? "amd64" : "all",
                    ImageFiles.sha256(deb), deb.length));
        }
        return packages;
    }

    private static String name(int i) {
        return "pkg" + (char) ('a' + i);
    }

    /** A made-up .deb: bytes unique to this darksite and package. */
    private byte[] deb(String name) {
        return ("made-up package " + name + " of darksite " + salt + "\n").repeat(20).getBytes(StandardCharsets.UTF_8);
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

    /**
     * The package set's tar as darksite.sh writes it: {@code darksite.lock} and {@code pool/<name>_<version>_<arch>.deb}
     * (an epoch's colon as {@code %3a}) for every package, except as told by {@link #withTamperedPackage} or
     * {@link #withoutPackage}.
     */
    public byte[] archive() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            add(tar, "darksite.lock", lock().getBytes(StandardCharsets.UTF_8));
            for (DarksitePackage p : packages()) {
                if (p.name().equals(missing)) {
                    continue;
                }
                byte[] deb = deb(p.name());
                if (p.name().equals(tampered)) {
                    deb[0] ^= 1;
                }
                add(tar, "pool/" + p.name() + "_" + p.version().replace(":", "%3a") + "_" + p.architecture() + ".deb",
                        deb);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setModTime(0);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
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
