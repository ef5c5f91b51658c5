package dev.goldsmith.problems;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The query parameters every history endpoint shares, parsed once, with the parameter named when wrong. */
public final class QueryParameters {

    public static final int DEFAULT_PAGE = 50;
    public static final int MAX_PAGE = 200;

    private QueryParameters() {
    }

    /** {@code since}: null when absent, else an ISO-8601 instant. */
    public static Instant since(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("since", "must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }

    /** {@code limit}: the default page size when absent, else 1 to 200. */
    public static int limit(String value) {
        if (value == null) {
            return DEFAULT_PAGE;
        }
        int limit;
        try {
            limit = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.invalid("limit", "must be between 1 and " + MAX_PAGE);
        }
        return limit;
    }

    /** A wait such as {@code wait} or {@code next}: null when absent, else an ISO-8601 duration, not negative. */
    public static Duration duration(String name, String value) {
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
