package dev.goldsmith.builds;

import dev.goldsmith.api.JUnitReport;
import dev.goldsmith.artifacts.BuildRecordObjects;
import dev.goldsmith.builds.persistence.BuildRecords;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Archives an ended build's log and test report into the object store ({@code builds/<id>/logs/build.log},
 * {@code builds/<id>/tests.xml}), byte for byte what {@code GET /logs} and the JUnit form of {@code GET /tests}
 * answer, and records their digests. Archiving again writes the same bytes.
 */
@Component
class BuildArchive {

    /** What was archived: the log's digest and size, and the test report's digest (null when nothing ran). */
    record Archived(String logSha256, long logSize, String testReportSha256) {
    }

    private final BuildLogs logs;
    private final BuildRecords records;
    private final BuildRecordObjects objects;
    private final JdbcClient jdbc;

    BuildArchive(BuildLogs logs, BuildRecords records, BuildRecordObjects objects, JdbcClient jdbc) {
        this.logs = logs;
        this.records = records;
        this.objects = objects;
        this.jdbc = jdbc;
    }

    Archived archive(UUID buildId, String suite) {
        BuildRecordObjects.Written writtenLog = archiveLog(buildId);
        BuildRecordObjects.Written writtenTests = records.lastTestedAttempt(buildId)
                .map(attempt -> records.checks(buildId, attempt))
                .filter(checks -> !checks.isEmpty())
                .map(checks -> objects.putTestReport(buildId, JUnitReport.render(suite, checks)))
                .orElse(null);
        jdbc.sql("""
                        insert into build_archives (build_id, log_key, log_sha256, log_size, tests_key, tests_sha256)
                        values (:id, :logKey, :logSha, :logSize, :testsKey, :testsSha)
                        on conflict (build_id) do update set log_key = excluded.log_key,
                            log_sha256 = excluded.log_sha256, log_size = excluded.log_size,
                            tests_key = excluded.tests_key, tests_sha256 = excluded.tests_sha256, archived_at = now()
                        """)
                .param("id", buildId)
                .param("logKey", writtenLog.key())
                .param("logSha", writtenLog.sha256())
                .param("logSize", writtenLog.size())
                .param("testsKey", writtenTests == null ? null : writtenTests.key())
                .param("testsSha", writtenTests == null ? null : writtenTests.sha256())
                .update();
        return new Archived(writtenLog.sha256(), writtenLog.size(), writtenTests == null ? null : writtenTests.sha256());
    }

    /** Streams the log through a temporary file into the bucket: a long log is never held in memory whole. */
    private BuildRecordObjects.Written archiveLog(UUID buildId) {
        Path file = null;
        try {
            file = Files.createTempFile("goldsmith-log-", ".log");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                logs.write(buildId, false, out);
            }
            return objects.putLog(buildId, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file the system cleans up
                }
            }
        }
    }
}
