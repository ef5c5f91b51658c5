package dev.goldsmith.workers.web;

import dev.goldsmith.problems.ApiException;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/** How long a worker is willing to wait, from a query parameter such as {@code wait} or {@code next}. */
final class WaitParameters {

    private WaitParameters() {
    }

    /** An ISO-8601 duration that is not negative, or null when the parameter is absent. */
    static Duration parse(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            Duration parsed = Duration.parse(value);
            if (parsed.isNegative()) {
                throw ApiException.invalid(name, "must not be negative");
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name, "must be an ISO-8601 duration such as PT30S");
        }
    }
}
