package dev.goldsmith.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.testing.StallingProxy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Deadlines with a real build on a real worker: the control plane's database hangs in the middle of a build,
 * and the control plane hangs for the worker for longer than a lease. Every wait is bounded, the build's records
 * are written once, and everything recovers by itself.
 */
@Tag("vm")
class DeadlinesEndToEndTest {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    /** The control plane's documented bound for a request while its database hangs, and some slack. */
    private static final long BOUND_SECONDS = 20;

    private Path dir;
    private Farm farm;
    private EmbeddedPostgres postgres;
    private StallingProxy proxy;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        Farm.stopAndRemove(farm, dir);
        if (postgres != null) {
            postgres.close();
        }
    }

    private String submitTinyBuild(String builder, String hostname) throws Exception {
        HttpResponse<String> response = farm.call("POST", "/api/v1/builds", builder, Map.of(
                "distro", "debian", "profile", "core", "installer", "reference-tiny",
                "answers", Map.of("KLDLOAD_HOSTNAME", hostname, "KLDLOAD_USERNAME", "admin"),
                "formats", List.of("qcow2"), "force", true,
                "source", Map.of("repository", "deadlines", "commit", Long.toHexString(System.nanoTime()) + "ab")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Farm.JSON.readTree(response.body()).get("id").asString();
    }

    private void awaitStage(String id, String builder, String stage) {
        await("build " + id + " in " + stage).atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonNode build = farm.get("/api/v1/builds/" + id, builder);
                    for (JsonNode s : build.get("stages")) {
                        if (s.get("stage").asString().equals(stage)) {
                            return true;
                        }
                    }
                    return false;
                });
    }

    private long count(String sql) throws Exception {
        try (Connection direct = postgres.getPostgresDatabase().getConnection();
                ResultSet rs = direct.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aDatabaseThatHangsMidBuildCosts503sThenTheBuildFinishesAsIfNothingHappened() throws Exception {
        dir = Files.createTempDirectory("goldsmith-hung-db-e2e-");
        postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("external-pg"))
                .setCleanDataDirectory(true).start();
        proxy = StallingProxy.to("127.0.0.1", postgres.getPort());
        farm = Farm.start(dir, Map.of(
                "GOLDSMITH_DB_URL", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                "GOLDSMITH_DB_USER", "postgres",
                "GOLDSMITH_LEASE_TTL", "90s",
                "GOLDSMITH_WORKERS_HEARTBEAT_INTERVAL", "5s"));
        String builder = farm.token("platform", "builder");
        farm.worker("hung-db-worker", farm.token("farm", "worker"), dir.resolve("work"), Map.of());
        String id = submitTinyBuild(builder, "hung-db");
        awaitStage(id, builder, "INSTALL");

        proxy.stall();
        long stalled = System.nanoTime();
        CompletableFuture<HttpResponse<String>> view = CompletableFuture.supplyAsync(() -> {
            try {
                return farm.call("GET", "/api/v1/builds/" + id, builder, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HttpResponse<String> during = view.get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
        assertThat(during.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(Farm.JSON.readTree(during.body()).get("retryable").asBoolean()).isTrue();
        // The build goes on in its VM while the control plane cannot record anything; hold the hang a while.
        await().pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(40))
                .until(() -> System.nanoTime() - stalled > Duration.ofSeconds(25).toNanos());
        proxy.resume();

        JsonNode build = farm.awaitEnd(id, builder, BUILD_TIMEOUT);
        String workerLog = Files.readString(dir.resolve("hung-db-worker.log"));
        assertThat(build.get("status").asString()).as(build + "\n" + workerLog).isEqualTo("SUCCEEDED");
        assertThat(build.get("attempt").asInt()).as("the lease outlived the hang").isEqualTo(1);
        assertThat(workerLog).containsAnyOf("heartbeat refused", "heartbeat failed");
        // Written once each: five stages of one attempt, one image version, log chunks without a gap.
        assertThat(count("select count(*) from build_stages where build_id = '" + id + "'")).isEqualTo(5);
        assertThat(count("select count(*) from images where build_id = '" + id + "'")).isEqualTo(1);
        assertThat(count("select count(*) from build_logs where build_id = '" + id + "'"))
                .isEqualTo(count("select max(seq) + 1 from build_logs where build_id = '" + id + "'"));
    }

    @Test
    void aControlPlaneUnreachableForLongerThanALeaseCostsTheWorkerThatLeaseAndTheBuildRunsAgain() throws Exception {
        dir = Files.createTempDirectory("goldsmith-partition-e2e-");
        farm = Farm.start(dir, Map.of(
                "GOLDSMITH_LEASE_TTL", "20s",
                "GOLDSMITH_WORKERS_HEARTBEAT_INTERVAL", "5s",
                "GOLDSMITH_QUEUE_SWEEP_INTERVAL", "2s"));
        proxy = StallingProxy.to("127.0.0.1", farm.port);
        String builder = farm.token("platform", "builder");
        farm.worker("partitioned", farm.token("farm", "worker"), dir.resolve("work"),
                Map.of("GOLDSMITH_URL", "http://127.0.0.1:" + proxy.port(), "GOLDSMITH_CALL_TIMEOUT", "PT5S"));
        String id = submitTinyBuild(builder, "partitioned");
        awaitStage(id, builder, "INSTALL");

        proxy.stall();
        Path workerLog = dir.resolve("partitioned.log");
        await("the worker gives the lease up").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Files.readString(workerLog).contains("longer than the lease TTL"));
        await("the control plane requeues the build").atMost(Duration.ofMinutes(1))
                .until(() -> farm.get("/api/v1/builds/" + id, builder).get("attempt").asInt() == 1
                        && farm.get("/api/v1/builds/" + id, builder).get("status").asString().equals("QUEUED"));
        proxy.resume();

        JsonNode build = farm.awaitEnd(id, builder, BUILD_TIMEOUT);
        assertThat(build.get("status").asString()).as(build + "\n" + Files.readString(workerLog))
                .isEqualTo("SUCCEEDED");
        assertThat(build.get("attempt").asInt()).isEqualTo(2);
        assertThat(Files.readString(workerLog)).contains("the lease is lost, stopping the build");
    }
}
