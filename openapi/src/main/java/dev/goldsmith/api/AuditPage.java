package dev.goldsmith.api;

import java.util.List;

/** One page of the audit log, newest first; pass {@code nextCursor} back as {@code cursor} for the next page. */
public record AuditPage(List<AuditEntry> items, String nextCursor) {
}
