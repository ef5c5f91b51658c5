package dev.goldsmith.installers;

import dev.goldsmith.digests.Sha256;
import dev.goldsmith.api.DarksitePackage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A darksite's lock as {@code darksite.sh} writes it: one line per package, {@code name version arch sha256 size}
 * (single spaces), and {@code #} comment lines. Its digest is {@code sha256:} + the SHA-256 of the package lines,
 * each followed by a newline: what {@code grep -v '^#' darksite.lock | sha256sum} prints.
 */
record DarksiteLock(List<DarksitePackage> packages, String digest) {

    static final String DIGEST_PREFIX = "sha256:";
    static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern LINE = Pattern.compile(
            "([a-z0-9][a-z0-9+.-]{0,127}) ([A-Za-z0-9.+~:_-]{1,128}) ([a-z0-9-]{1,32}) ([0-9a-f]{64}) ([1-9][0-9]{0,17})");

    /** Parses and checks every line; a line that is not a package or a comment is refused, naming its number. */
    static DarksiteLock parse(byte[] bytes) {
        // Byte for byte: the digest covers the lines exactly as written.
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\n", -1);
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        StringBuilder hashed = new StringBuilder(text.length());
        List<DarksitePackage> packages = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not 'name version arch sha256 size': '"
                        + printable(line) + "'");
            }
            if (!seen.add(m.group(1) + ":" + m.group(3))) {
                throw new IllegalArgumentException("line " + (i + 1) + " pins " + m.group(1) + ":" + m.group(3)
                        + " a second time");
            }
            packages.add(new DarksitePackage(m.group(1), m.group(2), m.group(3), m.group(4),
                    Long.parseLong(m.group(5))));
            hashed.append(line).append('\n');
        }
        if (packages.isEmpty()) {
            throw new IllegalArgumentException("it pins no package");
        }
        return new DarksiteLock(List.copyOf(packages),
                DIGEST_PREFIX + Sha256.of(hashed.toString().getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String printable(String line) {
        String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
