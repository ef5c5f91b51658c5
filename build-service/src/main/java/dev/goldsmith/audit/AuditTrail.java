package dev.goldsmith.audit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Records who did what to what: token issue, cancellation, promotion, revocation. */
@Component
public class AuditTrail {

    private final JdbcClient jdbc;

    public AuditTrail(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(String actor, String team, String action, String target, String detail) {
        jdbc.sql("insert into audit_log (actor, team, action, target, detail) values (?, ?, ?, ?, ?)")
                .params(actor, team, action, target, detail)
                .update();
    }
}
