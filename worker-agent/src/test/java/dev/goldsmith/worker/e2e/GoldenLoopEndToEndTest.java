package dev.goldsmith.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The golden loop for real, with reference-tiny under TCG: the farm's medium was built before the archive's
 * latest zlib1g update; a channel rebuilds on refresh and promotes on success; a refresh run by a worker that
 * builds media finds the newer zlib1g, builds and registers the new medium; the policy rebuilds the channel's
 * version through a real worker, the channel moves, and the diff names exactly that package.
 */
@Tag("vm")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenLoopEndToEndTest {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);
    private static final String PACKAGE = "zlib1g";
    private static final String PASSWORD = "loop-Secret-pa55";

    private Path dir;
    private Farm farm;
    private ReferenceTiny.Pin pin;

    @BeforeAll
    void startFarmOnAnOlderMedium() throws Exception {
        var older = ReferenceTiny.olderMediumDir(PACKAGE);
        pin = older.getValue();
        dir = Files.createTempDirectory("goldsmith-loop-");
        farm = Farm.start(dir, Map.of(
                "GOLDSMITH_INSTALLER_DIR", older.getKey().toString(),
                "GOLDSMITH_LEASE_TTL", "30s",
                "GOLDSMITH_WORKERS_HEARTBEAT_INTERVAL", "5s",
                "GOLDSMITH_REFRESH_SCHEDULE_CHECK_INTERVAL", "2s"));
        farm.worker("loop-worker", farm.token("farm", "worker"), dir.resolve("work"),
                Map.of("GOLDSMITH_RECIPES_DIR", Path.of("..", "installers").toAbsolutePath().toString()));
    }

    @AfterAll
    void stopFarm() throws Exception {
        Farm.stopAndRemove(farm, dir);
    }

    private String workerLog() throws Exception {
        return Files.readString(dir.resolve("loop-worker.log"));
    }

    @Test
    void aSecurityUpdateInTheArchiveRebuildsPromotesAndIsTheChangelog() throws Exception {
        String builder = farm.token("platform", "builder");
        String promoter = farm.token("platform", "promoter");
        String admin = Farm.ADMIN;
        var submitted = farm.call("POST", "/api/v1/builds", builder, Map.of(
                "distro", "debian", "profile", "core", "installer", "reference-tiny",
                "answers", Map.of("KLDLOAD_HOSTNAME", "loop-e2e", "KLDLOAD_USERNAME", "admin"),
                "formats", List.of("qcow2"), "channel", "production",
                "source", Map.of("repository", "https://git.example.com/platform/images.git",
                        "commit", Long.toHexString(System.nanoTime()) + "abcdef0")));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        JsonNode first = farm.awaitEnd(Farm.JSON.readTree(submitted.body()).get("id").asString(), builder,
                BUILD_TIMEOUT);
        assertThat(first.get("status").asString()).as(first + "\n" + workerLog()).isEqualTo("SUCCEEDED");
        String before = first.get("imageName").asString();
        var policy = farm.call("PUT", "/api/v1/channels/production/debian/core/policy", promoter, Map.of(
                "rebuild", "on-refresh", "promote", "on-success", "secrets", Map.of("KLDLOAD_PASSWORD", PASSWORD)));
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);

        var asked = farm.call("POST", "/api/v1/installers/reference-tiny/refresh?wait=PT0S", admin, null);
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
        String refreshPath = asked.headers().firstValue("Location").orElseThrow();
        JsonNode refresh = awaitRefresh(refreshPath, admin);

        assertThat(refresh.get("status").asString()).as(refresh + "\n" + workerLog()).isEqualTo("REFRESHED");
        assertThat(refresh.get("packages").get("upgraded").toString()).isEqualTo("[{\"name\":\"" + PACKAGE
                + "\",\"from\":\"" + pin.older() + "\",\"to\":\"" + pin.candidate() + "\"}]");
        assertThat(refresh.get("packages").get("added")).isEmpty();
        assertThat(refresh.get("packages").get("removed")).isEmpty();
        JsonNode job = farm.get("/api/v1/builds/" + refresh.get("job").asString(), admin);
        assertThat(stages(job)).containsExactly("RESOLVE=SUCCEEDED", "BUILD=SUCCEEDED", "STORE=SUCCEEDED");

        JsonNode rebuild = awaitRebuild(before, builder);
        assertThat(rebuild.get("status").asString()).as(rebuild + "\n" + workerLog()).isEqualTo("SUCCEEDED");
        assertThat(rebuild.get("trigger").get("kind").asString()).isEqualTo("refresh");
        assertThat(rebuild.get("rebuildOf").asString()).isEqualTo(first.get("id").asString());
        assertThat(rebuild.get("changedInputs").toString()).contains("\"installer\"");
        String after = rebuild.get("imageName").asString();

        JsonNode channel = farm.get("/api/v1/channels/production/debian/core", promoter);
        assertThat(channel.get("current").get("image").asString()).isEqualTo(after);
        assertThat(channel.get("lastRebuild").get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(channel.get("lastRebuild").get("diff").asString())
                .isEqualTo("/api/v1/images/" + after + "/diff?against=" + before);

        JsonNode diff = farm.get("/api/v1/images/" + after + "/diff?against=" + before, builder);
        assertThat(diff.get("packages").get("upgraded").toString()).isEqualTo("[{\"name\":\"" + PACKAGE
                + "\",\"from\":\"" + pin.older() + "\",\"to\":\"" + pin.candidate() + "\"}]");
        assertThat(diff.get("packages").get("added")).isEmpty();
        assertThat(diff.get("packages").get("removed")).isEmpty();
        List<String> changedFiles = new ArrayList<>();
        diff.get("files").get("changed").forEach(f -> changedFiles.add(f.asString()));
        assertThat(changedFiles).anyMatch(f -> f.contains("libz.so"));
        assertThat(changedFiles).noneMatch(f -> f.startsWith("/proc/") || f.startsWith("/etc/machine-id"));
        String changelog = farm.callAccepting("/api/v1/images/" + after + "/diff?against=" + before, builder,
                "text/plain").body();
        assertThat(changelog.lines().skip(1).findFirst().orElseThrow())
                .isEqualTo("package upgraded   " + PACKAGE + " " + pin.older() + " -> " + pin.candidate());
        assertThat(changelog).doesNotContain(PASSWORD);
        assertThat(workerLog()).doesNotContain(PASSWORD);
        assertThat(Files.readString(dir.resolve("control-plane.log"))).doesNotContain(PASSWORD);
    }

    private JsonNode awaitRefresh(String path, String admin) {
        return await("the refresh ends").atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(2))
                .until(() -> farm.get(path, admin), r -> !List.of("QUEUED", "RUNNING")
                        .contains(r.get("status").asString()));
    }

    /** The rebuild the policy submitted for the channel's version, once it ended. */
    private JsonNode awaitRebuild(String before, String builder) throws Exception {
        String id = await("the policy submits a rebuild").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2)).until(() -> {
                    for (JsonNode b : farm.get("/api/v1/builds?limit=20", builder).get("items")) {
                        if (b.hasNonNull("rebuildOf")) {
                            return b.get("id").asString();
                        }
                    }
                    return null;
                }, found -> found != null);
        return farm.awaitEnd(id, builder, BUILD_TIMEOUT);
    }

    private static List<String> stages(JsonNode build) {
        List<String> stages = new ArrayList<>();
        build.get("stages").forEach(s -> stages.add(s.get("stage").asString() + "=" + s.get("status").asString()));
        return stages;
    }
}
