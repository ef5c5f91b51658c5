package dev.goldsmith.audit.web;

import dev.goldsmith.api.AuditPage;
import dev.goldsmith.audit.AuditQueries;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.QueryParameters;
import java.time.Instant;
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
        Instant sinceInstant = QueryParameters.since(since);
        int pageSize = QueryParameters.limit(limit);
        Long before = cursor == null ? null : AuditQueries.decodeCursor(cursor);
        return audit.page(action, sinceInstant, pageSize, before);
    }
}
