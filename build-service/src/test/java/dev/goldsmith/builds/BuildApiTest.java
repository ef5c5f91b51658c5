package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class BuildApiTest extends ServiceTest {

    @Test
    void submittedBuildIsQueuedWithItsInputsAndNoSecretValue() {
        Api team = builder("alpha");
        Api.Response response = team.post("/api/v1/builds", aBuildRequest().withFormats("qcow2", "vhd")
                .withLabels(Map.of("env", "prod")).build());

        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        JsonNode build = response.json();
        assertThat(build.get("status").asString()).isEqualTo("QUEUED");
        assertThat(build.get("team").asString()).isEqualTo("alpha");
        assertThat(build.get("attempt").asInt()).isZero();
        assertThat(build.get("formats").toString()).isEqualTo("[\"qcow2\",\"vhd\"]");
        assertThat(build.get("answers").has("KLDLOAD_PASSWORD")).isFalse();
        assertThat(build.get("secretKeys").toString()).isEqualTo("[\"KLDLOAD_PASSWORD\"]");
        assertThat(response.body()).doesNotContain("s3cret-Pa55word");
        assertThat(build.get("imageName").asString()).matches("golden-debian-server-v\\d{8}-[0-9a-f]{7}");
        assertThat(build.get("fingerprint").asString()).hasSize(64);
        assertThat(response.location()).isEqualTo("/api/v1/builds/" + build.get("id").asString());
    }

    @Test
    void queuedBuildSaysWhyNoWorkerHasTakenIt() {
        emptyQueue();
        jdbc.sql("update workers set last_seen_at = now() - interval '1 hour'").update();
        Api team = builder("alpha");
        UUID id = submit(team, aBuildRequest().withAccel("kvm").build());

        assertThat(team.get("/api/v1/builds/" + id).json().get("notScheduledReason").asString())
                .isEqualTo("no worker online");
        aWorker("tcg");
        assertThat(team.get("/api/v1/builds/" + id).json().get("notScheduledReason").asString())
                .isEqualTo("no online worker offers accel=kvm");
    }

    @Test
    void anotherTeamsBuildIsNotFound() {
        UUID id = submit(builder("alpha"), aBuildRequest().build());

        Api.Response response = builder("beta").get("/api/v1/builds/" + id);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.isProblem()).isTrue();
        assertThat(admin().get("/api/v1/builds/" + id).status()).isEqualTo(200);
    }
}
