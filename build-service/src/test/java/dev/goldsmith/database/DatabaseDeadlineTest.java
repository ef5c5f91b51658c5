package dev.goldsmith.database;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.Lease;
import dev.goldsmith.api.WorkerRegistered;
import dev.goldsmith.api.WorkerRegistration;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Instances;
import dev.goldsmith.support.ReferenceMedia;
import dev.goldsmith.testing.StallingProxy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A database that hangs (a failover's pause, a partition: here a proxy that stops passing bytes) costs API
 * requests a bounded wait and a 503, never an unanswered request; readiness says DOWN; and once the database
 * answers again everything recovers by itself: the queue's LISTEN connection, the lease sweeper, requests, with
 * nothing lost or written twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseDeadlineTest {

    private static final String ADMIN = "database-deadline-admin-token";
    /** The documented bound of a request while the database hangs: the socket deadline, and some slack. */
    private static final Duration BOUND = Duration.ofSeconds(20);

    private EmbeddedPostgres postgres;
    private StallingProxy proxy;
    private ConfigurableApplicationContext service;
    private Api admin;

    @BeforeAll
    void aServiceWhoseDatabaseIsBehindAStallingProxy() throws Exception {
        postgres = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("goldsmith-hung-pg-"))
                .setCleanDataDirectory(true).start();
        proxy = StallingProxy.to("127.0.0.1", postgres.getPort());
        service = Instances.start("goldsmith.admin-token=" + ADMIN,
                "goldsmith.data-dir=" + ReferenceMedia.inDataDir(Files.createTempDirectory("goldsmith-hung-")),
                "goldsmith.db.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                "goldsmith.db.user=postgres",
                // Claims wake by NOTIFY alone here, so a listener that did not come back would show.
                "goldsmith.queue.poll-interval=5m", "goldsmith.queue.claim-wait=60s",
                "goldsmith.lease-ttl=30s", "goldsmith.workers.heartbeat-interval=5s",
                "goldsmith.queue.sweep-interval=1s");
        admin = Api.at(Instances.port(service), ADMIN);
    }

    /** Whatever a test left, the next one starts with a database that answers. */
    @org.junit.jupiter.api.AfterEach
    void answerAgain() {
        proxy.resume();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/actuator/health/readiness").status() == 200);
    }

    @AfterAll
    void stop() throws Exception {
        proxy.resume();
        service.close();
        proxy.close();
        postgres.close();
    }

    private double listening() {
        return service.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("goldsmith.queue.listener.connected").gauge().value();
    }

    private long count(String sql) throws Exception {
        try (Connection direct = postgres.getPostgresDatabase().getConnection();
                ResultSet rs = direct.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void whileTheDatabaseHangsEveryRequestAnswers503InBoundedTimeAndAllRecoversAfterwards() throws Exception {
        String id = admin.postWithHeader("/api/v1/builds", aBuildRequest().build(), "Idempotency-Key", "before")
                .json().get("id").asString();
        long builds = count("select count(*) from builds");
        Api worker = admin.as(admin.post("/api/v1/tokens", Map.of("team", "farm", "roles", List.of("worker")))
                .json().get("token").asString());
        UUID workerId = worker.post("/api/v1/workers", new WorkerRegistration("deadline", "x86_64", "tcg", "q", 1,
                List.of())).as(WorkerRegistered.class).workerId();
        Lease lease = worker.post("/api/v1/workers/" + workerId + "/claim?wait=PT5S", null).as(Lease.class);

        proxy.stall();
        List<CompletableFuture<Api.Response>> during = new ArrayList<>();
        for (String path : List.of("/api/v1/builds/" + id, "/api/v1/builds", "/api/v1/images")) {
            during.add(CompletableFuture.supplyAsync(() -> admin.get(path)));
        }
        CompletableFuture<Api.Response> submitted = CompletableFuture.supplyAsync(() -> admin.postWithHeader(
                "/api/v1/builds", aBuildRequest().build(), "Idempotency-Key", "during"));
        CompletableFuture<Api.Response> heartbeat = CompletableFuture.supplyAsync(() -> worker.post(
                "/api/v1/leases/" + lease.leaseId() + "/heartbeat", null));
        CompletableFuture<Api.Response> ready = CompletableFuture.supplyAsync(() -> admin.get(
                "/actuator/health/readiness"));

        for (CompletableFuture<Api.Response> request : during) {
            Api.Response answer = request.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
            assertThat(answer.isProblem()).isTrue();
            assertThat(answer.json().get("retryable").asBoolean()).isTrue();
            assertThat(answer.header("Retry-After")).isPresent();
        }
        Api.Response refusedSubmission = submitted.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(refusedSubmission.status()).as(refusedSubmission.toString()).isEqualTo(503);
        assertThat(heartbeat.get(BOUND.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(503);
        assertThat(ready.get(BOUND.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(503);

        proxy.resume();

        await("requests answered again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> admin.get("/api/v1/builds/" + id).status() == 200);
        assertThat(admin.get("/actuator/health/readiness").status()).isEqualTo(200);
        // The submission refused during the hang stored nothing; sent again, it is stored once.
        assertThat(count("select count(*) from builds")).isEqualTo(builds);
        assertThat(admin.postWithHeader("/api/v1/builds", aBuildRequest().build(), "Idempotency-Key", "during")
                .status()).isEqualTo(202);
        assertThat(count("select count(*) from builds where idempotency_key = 'during'")).isEqualTo(1);
        // The sweeper did not wedge: the lease whose heartbeats the hang swallowed expires and is requeued.
        try (Connection direct = postgres.getPostgresDatabase().getConnection()) {
            direct.createStatement().execute("update builds set lease_expires_at = now() - interval '1 second' "
                    + "where lease_id = '" + lease.leaseId() + "'");
        }
        await("the lease swept").atMost(Duration.ofSeconds(30))
                .until(() -> admin.get("/api/v1/builds/" + lease.build().buildId()).json().get("status")
                        .asString().equals("QUEUED"));
    }

    @Test
    void theQueuesListenerComesBackAndWakesALongPollWithoutTheFallbackPoll() throws Exception {
        try (Connection direct = postgres.getPostgresDatabase().getConnection()) {
            direct.createStatement().execute("update builds set status = 'CANCELLED', finished_at = now(), "
                    + "lease_id = null, lease_expires_at = null where status in ('QUEUED', 'RUNNING')");
        }
        Api worker = admin.as(admin.post("/api/v1/tokens", Map.of("team", "farm", "roles", List.of("worker")))
                .json().get("token").asString());
        UUID workerId = worker.post("/api/v1/workers", new WorkerRegistration("listener", "x86_64", "tcg", "q", 1,
                List.of("listener"))).as(WorkerRegistered.class).workerId();
        proxy.stall();
        // The listener probes the database every 10 s: the socket deadline then ends its hung connection.
        await("the listener finds the database hung").atMost(Duration.ofSeconds(40)).until(() -> listening() == 0);
        proxy.resume();
        await("the listener back").atMost(Duration.ofSeconds(30)).until(() -> listening() == 1);

        CompletableFuture<Api.Response> claim = CompletableFuture.supplyAsync(() -> worker.post(
                "/api/v1/workers/" + workerId + "/claim?wait=PT60S", null));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !claim.isDone());
        admin.post("/api/v1/builds", aBuildRequest().withWorkerLabels("listener").build());

        // Woken by the NOTIFY (the fallback poll is five minutes away), well before the 60 s wait ends.
        Api.Response claimed = claim.get(20, TimeUnit.SECONDS);
        assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);
    }
}
