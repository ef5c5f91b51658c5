package dev.goldsmith.worker.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Lines of a stream a guest writes (a serial console), each at most {@code maxChars} long: a guest that prints
 * without ever ending a line cannot make the worker hold an endless line. A longer line is handed on cut, once,
 * and the rest of it up to its end is skipped.
 */
public final class BoundedLines {

    static final String CUT = " [line cut]";

    private BoundedLines() {
    }

    /** Reads {@code in} to its end, giving each line (without its line break) to {@code lines}. */
    public static void read(InputStream in, int maxChars, Consumer<String> lines) throws IOException {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        StringBuilder line = new StringBuilder();
        boolean skipping = false;
        char[] buffer = new char[8192];
        for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
            for (int i = 0; i < n; i++) {
                char c = buffer[i];
                if (c == '\n') {
                    if (!skipping) {
                        lines.accept(stripReturn(line));
                    }
                    line.setLength(0);
                    skipping = false;
                } else if (!skipping) {
                    line.append(c);
                    if (line.length() >= maxChars) {
                        lines.accept(line + CUT);
                        line.setLength(0);
                        skipping = true;
                    }
                }
            }
        }
        if (!line.isEmpty() && !skipping) {
            lines.accept(stripReturn(line));
        }
    }

    private static String stripReturn(StringBuilder line) {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }
}
