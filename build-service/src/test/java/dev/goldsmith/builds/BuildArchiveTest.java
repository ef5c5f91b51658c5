package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.Lease;
import dev.goldsmith.api.LogChunk;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Completions;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Ended builds leave their log (and test report) in the object store, with the digests recorded. */
class BuildArchiveTest extends ServiceTest {

    @Autowired
    BuildArchiveSweeper sweeper;

    @Test
    void failedBuildsLogIsArchivedByTheSweepExactlyAsTheApiServesIt() {
        Api builder = builder("archive");
        emptyQueue();
        UUID id = submit(builder, aBuildRequest().build());
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        worker.api().post("/api/v1/leases/" + lease.leaseId() + "/logs",
                new LogChunk(0, List.of("Install failed: no disk")));
        worker.complete(lease.leaseId(), Completions.aFailure("INSTALL_FAILED", false));

        while (archived(id).isEmpty() && sweeper.archiveEnded() > 0) {
            // every build other tests ended is archived too, a batch at a time
        }

        String log = builder.get("/api/v1/builds/" + id + "/logs").body();
        assertThat(log).contains("Install failed: no disk");
        assertThat(archived(id)).containsExactly(Map.of("log_key", "builds/" + id + "/logs/build.log",
                "log_sha256", ImageFiles.sha256(log.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void queuedAndRunningBuildsAreNotArchived() {
        emptyQueue();
        UUID queued = submit(builder("archive"), aBuildRequest().build());

        while (sweeper.archiveEnded() > 0) {
            // until nothing ended is left unarchived
        }

        assertThat(archived(queued)).isEmpty();
    }

    private List<Map<String, String>> archived(UUID id) {
        return jdbc.sql("select log_key, log_sha256 from build_archives where build_id = ?").param(id)
                .query((rs, n) -> Map.of("log_key", rs.getString(1), "log_sha256", rs.getString(2))).list();
    }
}
