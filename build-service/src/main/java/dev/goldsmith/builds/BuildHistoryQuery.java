package dev.goldsmith.builds;

import java.time.Instant;

/** Filters of {@code GET /api/v1/builds}; null means "any". {@code team} is null only for admin. */
public record BuildHistoryQuery(String team, String status, String distro, String profile, String labelKey,
        String labelValue, Instant since, int limit, Cursor after) {

    /** Position after the last build of a page, newest first. */
    public record Cursor(Instant createdAt, java.util.UUID id) {
    }
}
