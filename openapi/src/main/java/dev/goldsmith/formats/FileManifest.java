package dev.goldsmith.formats;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The file manifest of an installed system, as the TEST stage writes it and a diff reads it: a header line, then
 * one line per file, sorted by path, of six tab-separated fields: {@code path}, {@code type} ({@code f} regular,
 * {@code d} directory, {@code l} symbolic link, {@code c}/{@code b} devices, {@code p} fifo, {@code s} socket),
 * {@code mode} (octal permission bits), {@code owner} ({@code uid:gid}), {@code size} (bytes; {@code -} for a
 * directory, whose size is the filesystem's business) and {@code content}: the SHA-256 of a regular file, the
 * target of a link, else {@code -}. A tab, newline or backslash in a path or target is escaped as {@code \t},
 * {@code \n}, {@code \\}.
 */
public final class FileManifest {

    public static final String HEADER = "# goldsmith file manifest v1";
    public static final String NONE = "-";

    /** One file of the manifest. */
    public record Entry(String path, char type, String mode, String owner, String size, String content) {

        /** The size in bytes of a file with one, else 0. */
        public long bytes() {
            return NONE.equals(size) ? 0 : Long.parseLong(size);
        }

        /** Whether the file is the same in both manifests: type, mode, owner and content. */
        public boolean sameAs(Entry other) {
            return type == other.type && mode.equals(other.mode) && owner.equals(other.owner)
                    && content.equals(other.content);
        }
    }

    private FileManifest() {
    }

    public static void write(Collection<Entry> entries, OutputStream out) throws IOException {
        BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        writer.write(HEADER);
        writer.write('\n');
        for (Entry e : entries.stream().sorted(Comparator.comparing(Entry::path)).toList()) {
            writer.write(escape(e.path()) + '\t' + e.type() + '\t' + e.mode() + '\t' + e.owner() + '\t' + e.size()
                    + '\t' + escape(e.content()) + '\n');
        }
        writer.flush();
    }

    /** The manifest's entries by path; a line that is not an entry is refused, naming its number. */
    public static Map<String, Entry> read(InputStream in) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String first = reader.readLine();
        if (!HEADER.equals(first)) {
            throw new IllegalArgumentException("not a goldsmith file manifest (its first line is not '" + HEADER + "')");
        }
        int number = 1;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            number++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length != 6 || fields[1].length() != 1) {
                throw new IllegalArgumentException("line " + number + " of the file manifest is not six fields");
            }
            Entry entry = new Entry(unescape(fields[0]), fields[1].charAt(0), fields[2], fields[3], fields[4],
                    unescape(fields[5]));
            entries.put(entry.path(), entry);
        }
        return entries;
    }

    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    static String unescape(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
