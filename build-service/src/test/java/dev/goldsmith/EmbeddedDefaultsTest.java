package dev.goldsmith;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.Instances;
import dev.goldsmith.support.ReferenceMedia;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The one-command defaults: an embedded PostgreSQL that keeps builds across restarts (and an embedded object store
 * whose bucket is a folder beside it), and 503 when the database is gone.
 */
class EmbeddedDefaultsTest {

    private static final String ADMIN = "embedded-defaults-admin-token";

    private static ConfigurableApplicationContext start(String... properties) {
        return Instances.start(Stream.concat(Stream.of("goldsmith.admin-token=" + ADMIN), Arrays.stream(properties))
                .toArray(String[]::new));
    }

    private static Api admin(ConfigurableApplicationContext context) {
        return Api.at(Instances.port(context), ADMIN);
    }

    @Test
    void restartKeepsEveryBuild() throws Exception {
        Path dataDir = ReferenceMedia.inDataDir(Files.createTempDirectory("goldsmith-restart-"));
        String id;
        try (var first = start("goldsmith.data-dir=" + dataDir)) {
            Api.Response submitted = admin(first).post("/api/v1/builds", aBuildRequest().build());
            assertThat(submitted.status()).isEqualTo(202);
            id = submitted.json().get("id").asString();
        }
        try (var second = start("goldsmith.data-dir=" + dataDir)) {
            Api.Response again = admin(second).get("/api/v1/builds/" + id);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("status").asString()).isEqualTo("QUEUED");
        }
        assertThat(dataDir.resolve("s3").resolve("goldsmith-images")).isDirectory();
    }

    @Test
    void unreachableDatabaseAnswers503ProblemAndRecovers() throws Exception {
        Path pgDir = Files.createTempDirectory("goldsmith-external-pg-");
        EmbeddedPostgres external = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(false)
                .start();
        int pgPort = external.getPort();
        try (var service = start("goldsmith.data-dir=" + Files.createTempDirectory("goldsmith-ext-"),
                "goldsmith.db.url=" + external.getJdbcUrl("postgres", "postgres"), "goldsmith.db.user=postgres")) {
            assertThat(admin(service).get("/api/v1/builds").status()).isEqualTo(200);

            external.close();
            Api.Response down = admin(service).get("/api/v1/builds");

            assertThat(down.status()).isEqualTo(503);
            assertThat(down.isProblem()).isTrue();
            assertThat(down.json().get("retryable").asBoolean()).isTrue();

            try (EmbeddedPostgres back = EmbeddedPostgres.builder().setDataDirectory(pgDir)
                    .setCleanDataDirectory(false).setPort(pgPort).start()) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                        .until(() -> admin(service).get("/api/v1/builds").status() == 200);
            }
        }
    }
}
