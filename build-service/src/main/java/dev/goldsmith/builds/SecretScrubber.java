package dev.goldsmith.builds;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Blanks out a build's secret values wherever worker-sent text could carry them (logs, reasons, check output). */
final class SecretScrubber {

    static final String MASK = "********";

    private final List<String> secrets;

    SecretScrubber(Collection<String> secrets) {
        // Longest first, so a secret containing another is masked whole.
        this.secrets = secrets.stream().filter(s -> s.length() >= 4)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
