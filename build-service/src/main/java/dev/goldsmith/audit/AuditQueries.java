package dev.goldsmith.audit;

import dev.goldsmith.api.AuditEntry;
import dev.goldsmith.api.AuditPage;
import dev.goldsmith.problems.ApiException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Reads the audit log newest first, a page at a time; the cursor is the last entry's id, kept opaque. */
@Service
public class AuditQueries {

    private final JdbcClient jdbc;

    public AuditQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code action} and {@code since} may be null; {@code before} is a decoded cursor or null. */
    public AuditPage page(String action, Instant since, int limit, Long before) {
        StringBuilder sql = new StringBuilder(
                "select id, at, actor, team, action, target, detail from audit_log where true");
        List<Object> params = new ArrayList<>();
        if (action != null) {
            sql.append(" and action = ?");
            params.add(action);
        }
        if (since != null) {
            sql.append(" and at >= ?");
            params.add(Timestamp.from(since));
        }
        if (before != null) {
            sql.append(" and id < ?");
            params.add(before);
        }
        sql.append(" order by id desc limit ?");
        params.add(limit + 1);
        List<AuditEntry> entries = jdbc.sql(sql.toString()).params(params)
                .query((rs, row) -> new AuditEntry(rs.getLong("id"), rs.getTimestamp("at").toInstant(),
                        rs.getString("actor"), rs.getString("team"), rs.getString("action"), rs.getString("target"),
                        rs.getString("detail")))
                .list();
        if (entries.size() <= limit) {
            return new AuditPage(entries, null);
        }
        List<AuditEntry> page = entries.subList(0, limit);
        return new AuditPage(List.copyOf(page), encodeCursor(page.getLast().id()));
    }

    static String encodeCursor(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("audit|" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static long decodeCursor(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!raw.startsWith("audit|")) {
                throw new IllegalArgumentException(raw);
            }
            long id = Long.parseLong(raw.substring("audit|".length()));
            if (id < 1) {
                throw new IllegalArgumentException(raw);
            }
            return id;
        } catch (RuntimeException e) {
            throw ApiException.invalid("cursor", "is not a cursor this API returned");
        }
    }
}
