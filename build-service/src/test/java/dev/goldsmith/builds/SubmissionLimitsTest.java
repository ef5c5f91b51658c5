package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.BuildRequest;
import dev.goldsmith.api.Problem;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Instances;
import dev.goldsmith.support.ServiceTest;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Per-team limits, on a second replica with small ones (3 queued or running, 5 per minute) that shares the
 * database with the main instance, whose own limits are out of reach: what the main instance stored counts too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmissionLimitsTest extends ServiceTest {

    private static final int CONCURRENT = 3;
    private static final int PER_MINUTE = 5;


    private ConfigurableApplicationContext limited;

    @BeforeAll
    void startLimitedReplica() throws Exception {
        limited = Instances.start(sameDatabase("goldsmith.admin-token=" + ADMIN_TOKEN,
                "goldsmith.data-dir=" + Files.createTempDirectory("goldsmith-limited-"),
                "goldsmith.limits.team-concurrent-builds=" + CONCURRENT,
                "goldsmith.limits.team-submissions-per-minute=" + PER_MINUTE));
    }

    @AfterAll
    void stopLimitedReplica() {
        limited.close();
    }

    private Api onLimited(Api api) {
        return api.onPort(Instances.port(limited));
    }

    private Api.Response submitRaw(Api api, BuildRequest request) {
        return api.post("/api/v1/builds", request);
    }

    private long buildsOf(String team) {
        return jdbc.sql("select count(*) from builds where team = ?").param(team).query(Long.class).single();
    }

    private long secretsOf(String team) {
        return jdbc.sql("select count(*) from build_secrets s join builds b on b.id = s.build_id where b.team = ?")
                .param(team).query(Long.class).single();
    }

    private static void assertRateLimited(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(429);
        assertThat(response.isProblem()).isTrue();
        assertThat(response.json().get("type").asString()).isEqualTo(Problem.RATE_LIMITED);
        assertThat(response.json().get("retryable").asBoolean()).isTrue();
        assertThat(response.header("Retry-After")).hasValueSatisfying(seconds ->
                assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
    }

    @Test
    void submissionBeyondTheTeamsConcurrentBuildsIsRefusedUntilOneEnds() {
        String team = "quota-" + UUID.randomUUID().toString().substring(0, 8);
        Api builder = onLimited(builder(team));
        UUID first = null;
        for (int i = 0; i < CONCURRENT; i++) {
            UUID id = submit(builder, aBuildRequest().build());
            first = first == null ? id : first;
        }

        Api.Response refused = submitRaw(builder, aBuildRequest().build());

        assertRateLimited(refused);
        assertThat(refused.json().get("detail").asString()).contains("queued or running");
        assertThat(buildsOf(team)).isEqualTo(CONCURRENT);
        assertThat(secretsOf(team)).isEqualTo(CONCURRENT);
        // Another team is not held back by this one.
        assertThat(submitRaw(onLimited(builder("other-" + team)), aBuildRequest().build()).status()).isEqualTo(202);

        assertThat(builder.post("/api/v1/builds/" + first + "/cancel", null).status()).isEqualTo(200);
        assertThat(submitRaw(builder, aBuildRequest().build()).status()).isEqualTo(202);
    }

    @Test
    void submissionsPerMinuteAreCountedAcrossReplicas() {
        String team = "rate-" + UUID.randomUUID().toString().substring(0, 8);
        Api mainInstance = builder(team);
        Api limitedInstance = onLimited(mainInstance);
        // Cancelled at once, so only the per-minute limit can bite.
        for (int i = 0; i < PER_MINUTE; i++) {
            Api via = i < 2 ? mainInstance : limitedInstance;
            UUID id = submit(via, aBuildRequest().build());
            assertThat(via.post("/api/v1/builds/" + id + "/cancel", null).status()).isEqualTo(200);
        }
        long stored = buildsOf(team);

        Api.Response refused = submitRaw(limitedInstance, aBuildRequest().build());

        assertRateLimited(refused);
        assertThat(refused.json().get("detail").asString()).contains("within the last minute");
        assertThat(buildsOf(team)).isEqualTo(stored);
    }

    @Test
    void cacheHitsAndIdempotentReplaysAreAnsweredOverTheLimit() {
        String team = "replay-" + UUID.randomUUID().toString().substring(0, 8);
        Api mainInstance = builder(team);
        Api limitedInstance = onLimited(mainInstance);
        BuildRequest built = aBuildRequest().build();
        anImage(mainInstance, built);
        BuildRequest keyed = aBuildRequest().build();
        Api.Response first = limitedInstance.postWithHeader("/api/v1/builds", keyed, "Idempotency-Key", "replay-1");
        assertThat(first.status()).as(first.toString()).isEqualTo(202);
        for (int i = 2; i < PER_MINUTE; i++) {
            UUID id = submit(limitedInstance, aBuildRequest().build());
            limitedInstance.post("/api/v1/builds/" + id + "/cancel", null);
        }
        assertRateLimited(submitRaw(limitedInstance, aBuildRequest().build()));

        Api.Response cached = submitRaw(limitedInstance, built);
        Api.Response replayed = limitedInstance.postWithHeader("/api/v1/builds", keyed, "Idempotency-Key", "replay-1");

        assertThat(cached.status()).as(cached.toString()).isEqualTo(200);
        assertThat(cached.json().get("cached").asBoolean()).isTrue();
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(202);
        assertThat(replayed.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    }
}
