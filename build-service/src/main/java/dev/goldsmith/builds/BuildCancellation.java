package dev.goldsmith.builds;

import dev.goldsmith.audit.AuditTrail;
import dev.goldsmith.builds.persistence.BuildEntity;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.security.Caller;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Cancels builds. A queued build ends CANCELLED at once; a running one is flagged, its worker learns of it on
 * the next heartbeat and stops. Cancelling an ended build is a conflict; cancelling twice is harmless.
 */
@Service
public class BuildCancellation {

    private final BuildQueries queries;
    private final BuildRecords records;
    private final JdbcClient jdbc;
    private final AuditTrail audit;

    public BuildCancellation(BuildQueries queries, BuildRecords records, JdbcClient jdbc, AuditTrail audit) {
        this.queries = queries;
        this.records = records;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    @Transactional
    public void cancel(Caller caller, UUID id) {
        BuildEntity build = queries.visible(caller, id);
        int cancelledQueued = jdbc.sql("""
                        update builds set status = 'CANCELLED', cancel_requested = true, finished_at = now()
                         where id = ? and status = 'QUEUED'
                        """)
                .param(id)
                .update();
        if (cancelledQueued == 1) {
            records.forgetSecrets(id);
        } else {
            int flagged = jdbc.sql("update builds set cancel_requested = true where id = ? and status = 'RUNNING'")
                    .param(id)
                    .update();
            if (flagged == 0) {
                String now = jdbc.sql("select status from builds where id = ?").param(id).query(String.class).single();
                if (!now.equals("CANCELLED")) {
                    throw ApiException.conflict("Build " + id + " has already ended " + now + ".");
                }
            }
        }
        audit.record(caller.actor(), caller.team(), "build.cancel", "build:" + id, "status was " + build.getStatus());
    }
}
