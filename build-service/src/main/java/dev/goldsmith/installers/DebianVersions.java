package dev.goldsmith.installers;

/**
 * Debian's order of package versions ({@code [epoch:]upstream[-revision]}, as {@code dpkg --compare-versions}):
 * epochs numerically, then upstream and revision compared part by part, where runs of digits compare as numbers
 * and everything else character by character, letters before other characters and {@code ~} before anything,
 * even the end of the string.
 */
final class DebianVersions {

    private DebianVersions() {
    }

    static int compare(String a, String b) {
        int epoch = Long.compare(epoch(a), epoch(b));
        if (epoch != 0) {
            return epoch;
        }
        String[] left = upstreamAndRevision(a);
        String[] right = upstreamAndRevision(b);
        int upstream = compareParts(left[0], right[0]);
        return upstream != 0 ? upstream : compareParts(left[1], right[1]);
    }

    private static long epoch(String version) {
        int colon = version.indexOf(':');
        return colon < 0 ? 0 : Long.parseLong(version.substring(0, colon));
    }

    private static String[] upstreamAndRevision(String version) {
        String rest = version.substring(version.indexOf(':') + 1);
        int dash = rest.lastIndexOf('-');
        return dash < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, dash), rest.substring(dash + 1)};
    }

    private static int compareParts(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !Character.isDigit(a.charAt(i)))
                    || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
                int ac = i < a.length() && !Character.isDigit(a.charAt(i)) ? weight(a.charAt(i)) : 0;
                int bc = j < b.length() && !Character.isDigit(b.charAt(j)) ? weight(b.charAt(j)) : 0;
                if (ac != bc) {
                    return Integer.compare(ac, bc);
                }
                if (i < a.length() && !Character.isDigit(a.charAt(i))) {
                    i++;
                }
                if (j < b.length() && !Character.isDigit(b.charAt(j))) {
                    j++;
                }
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && Character.isDigit(a.charAt(i)) && j < b.length()
                    && Character.isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && Character.isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && Character.isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return Integer.signum(firstDiff);
            }
        }
        return 0;
    }

    /** dpkg's character order: ~ first, then the end of a part, letters, then everything else. */
    private static int weight(char c) {
        if (c == '~') {
            return -1;
        }
        if (Character.isLetter(c)) {
            return c;
        }
        return c + 256;
    }
}
