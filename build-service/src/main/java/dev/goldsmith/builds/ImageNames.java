package dev.goldsmith.builds;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/** The seed's naming convention: {@code golden-<distro>-<profile>-v<YYYYMMDD>-<shortsha>}. */
public final class ImageNames {

    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private ImageNames() {
    }

    public static String base(String distro, String profile, LocalDate day, String commit) {
        return "golden-" + distro + "-" + profile + "-v" + DAY.format(day) + "-" + commit.substring(0, 7);
    }

    /** The n-th name for a base that is taken: {@code base}, then {@code base-2}, {@code base-3}, ... */
    public static String nth(String base, int n) {
        return n <= 1 ? base : base + "-" + n;
    }
}
