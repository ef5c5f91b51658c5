package dev.goldsmith.api;

import java.time.Instant;

/**
 * One audited change: who ({@code actor}, {@code token:<id>} or {@code build:<id>}) of which team did what
 * ({@code action}, e.g. {@code token.revoke}) to what ({@code target}, e.g. {@code token:<id>}).
 */
public record AuditEntry(long id, Instant at, String actor, String team, String action, String target,
        String detail) {
}
