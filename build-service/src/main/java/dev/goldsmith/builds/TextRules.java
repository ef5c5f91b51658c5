package dev.goldsmith.builds;

/**
 * Characters no request string may carry: C0/C1 controls (newlines above all, which would forge answer-file
 * lines), line/paragraph separators, bidirectional overrides and zero-width marks that hide text from a reader.
 */
public final class TextRules {

    private TextRules() {
    }

    public static boolean isSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (isForbidden(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isForbidden(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == '\u2028' || c == '\u2029'
                || (c >= '\u200b' && c <= '\u200f')
                || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069')
                || c == '\ufeff';
    }
}
