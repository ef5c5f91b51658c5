package dev.goldsmith.audit.web;

import dev.goldsmith.api.AuditPage;
import dev.goldsmith.audit.AuditQueries;
import dev.goldsmith.problems.ApiException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit log, for admins (the security configuration lets no one else in). */
@RestController
class AuditController {

    private static final Pattern ACTION = Pattern.compile("[a-z]{1,32}(\\.[a-z]{1,32}){0,3}");

    private final AuditQueries audit;

    AuditController(AuditQueries audit) {
        this.audit = audit;
    }

    @GetMapping("/api/v1/audit")
    AuditPage entries(@RequestParam(required = false) String action,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        if (action != null && !ACTION.matcher(action).matches()) {
            throw ApiException.invalid("action", "must be an action name such as token.revoke");
        }
        Instant sinceInstant = null;
        if (since != null) {
            try {
                sinceInstant = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("since", "must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
            }
        }
        int pageSize = 50;
        if (limit != null) {
            try {
                pageSize = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                pageSize = 0;
            }
            if (pageSize < 1 || pageSize > 200) {
                throw ApiException.invalid("limit", "must be between 1 and 200");
            }
        }
        Long before = cursor == null ? null : AuditQueries.decodeCursor(cursor);
        return audit.page(action, sinceInstant, pageSize, before);
    }
}
