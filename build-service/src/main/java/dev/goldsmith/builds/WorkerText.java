package dev.goldsmith.builds;

/**
 * Text a worker reports (log lines, check output, failure reasons), made storable: the worker runs what a
 * build's medium prints, so anything may arrive. U+0000, which PostgreSQL refuses in text, and the other control
 * characters are removed (line breaks and tabs kept where a text may span lines); what XML cannot carry (lone
 * surrogates, U+FFFE, U+FFFF) becomes U+FFFD. Cleaning comes first, before secrets are masked and before
 * anything is cut, so neither can split what the other must see whole.
 */
final class WorkerText {

    private static final char REPLACEMENT = '\uFFFD';

    private WorkerText() {
    }

    /** A text that may span lines: newlines and tabs stay, carriage returns go. */
    static String clean(String text) {
        return clean(text, true);
    }

    /** One line: a newline inside it would forge another line, so it becomes a space. */
    static String line(String text) {
        return clean(text, false);
    }

    private static String clean(String text, boolean multiline) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (c == '\n') {
                out.append(multiline ? '\n' : ' ');
            } else if (c == '\t') {
                out.append(c);
            } else if (c < 0x20 || c == 0x7f) {
                continue;
            } else if (Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** At most {@code max} characters, never cutting a surrogate pair in two. */
    static String bounded(String text, int max) {
        if (text == null) {
            return "";
        }
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }
}
