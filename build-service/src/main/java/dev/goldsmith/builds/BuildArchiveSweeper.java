package dev.goldsmith.builds;

import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Archives the log and test report of builds that ended without succeeding (failed, cancelled, lost), a few at
 * a time; a succeeded build is archived as it succeeds, because its provenance names the digests. Replicas may
 * archive the same build at once: both write the same bytes.
 */
@Component
class BuildArchiveSweeper {

    private static final Logger log = LoggerFactory.getLogger(BuildArchiveSweeper.class);
    private static final int BATCH = 20;

    private final BuildArchive archive;
    private final JdbcClient jdbc;

    BuildArchiveSweeper(BuildArchive archive, JdbcClient jdbc) {
        this.archive = archive;
        this.jdbc = jdbc;
    }

    @Scheduled(fixedDelayString = "${goldsmith.artifacts.sweep-interval:1m}", initialDelayString = "5s")
    void archiveOnSchedule() {
        try {
            archiveEnded();
        } catch (RuntimeException e) {
            log.warn("Archive sweep failed, the next one catches up: {}", e.getMessage());
        }
    }

    /** Archives one batch; answers how many builds it archived. */
    int archiveEnded() {
        List<Ended> ended = jdbc.sql("""
                        select b.id, b.tests from builds b
                         where b.status in ('FAILED', 'CANCELLED', 'SUCCEEDED')
                           and not exists (select 1 from build_archives a where a.build_id = b.id)
                         order by b.finished_at limit :batch
                        """)
                .param("batch", BATCH)
                .query((rs, n) -> new Ended(rs.getObject("id", UUID.class), rs.getString("tests")))
                .list();
        int archived = 0;
        for (Ended build : ended) {
            try {
                archive.archive(build.id(), build.tests());
                archived++;
            } catch (RuntimeException e) {
                log.warn("Cannot archive the log of build {} yet: {}", build.id(), e.getMessage());
                break;
            }
        }
        return archived;
    }

    private record Ended(UUID id, String tests) {
    }
}
