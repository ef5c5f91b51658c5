package dev.goldsmith.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The real golden image through the whole farm under TCG (profile {@code e2e}: about 15 minutes on warm caches):
 * the reference-debian-zfs medium built by the repo's scripts, the control plane's jar on embedded defaults, a
 * worker agent, and a Debian ZFS-on-root build that must pass the whole {@code golden} suite, the
 * boot-environment cycle and the sealed-clone proof. Prints its figures (BENCH lines) for docs/performance.md.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZfsGoldenImageEndToEndTest {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(45);
    private static final String PASSWORD = "zfs-e2e-Secret-pa55";
    private static final Pattern POOL_STATS = Pattern.compile(
            "pool-stats written=(\\d+) allocated=(\\d+) seconds=(\\d+)");

    private Path dir;
    private Farm farm;
    private Duration mediumBuild;

    @BeforeAll
    void startFarm() throws Exception {
        Path media = Path.of("target", "installers").toAbsolutePath();
        Files.createDirectories(media);
        mediumBuild = ReferenceDebianZfs.build(media);
        dir = Files.createTempDirectory("goldsmith-zfs-e2e-");
        farm = Farm.start(dir, Map.of("GOLDSMITH_INSTALLER_DIR", media.toString()));
    }

    @AfterAll
    void stopFarm() throws Exception {
        Farm.stopAndRemove(farm, dir);
    }

    @Test
    void debianZfsOnRootImagePassesTheGoldenSuiteBootEnvironmentCycleAndSealedCloneProof() throws Exception {
        String builder = farm.token("platform", "builder");
        JsonNode installer = farm.get("/api/v1/installers/reference-debian-zfs", builder);
        assertThat(installer.get("name").asString()).as(installer.toString()).isEqualTo("reference-debian-zfs");
        farm.worker("zfs-worker", farm.token("farm", "worker"), dir.resolve("work"), Map.of());

        long submitted = System.nanoTime();
        var response = farm.call("POST", "/api/v1/builds", builder, Map.of(
                "distro", "debian", "profile", "core", "installer", "reference-debian-zfs",
                "answers", Map.of("KLDLOAD_HOSTNAME", "zfs-e2e", "KLDLOAD_USERNAME", "admin",
                        "KLDLOAD_PASSWORD", PASSWORD, "KLDLOAD_TIMEZONE", "Europe/Zurich"),
                "formats", List.of("qcow2"),
                "source", Map.of("repository", "https://git.example.com/platform/images.git",
                        "commit", Long.toHexString(System.nanoTime()) + "abcdef0"),
                "force", true));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = Farm.JSON.readTree(response.body()).get("id").asString();

        JsonNode build = farm.awaitEnd(id, builder, BUILD_TIMEOUT);
        Duration wall = Duration.ofNanos(System.nanoTime() - submitted);

        assertThat(build.get("status").asString()).as(build + "\n" + log(dir.resolve("zfs-worker.log")))
                .isEqualTo("SUCCEEDED");
        JsonNode tests = farm.get("/api/v1/builds/" + id + "/tests", builder);
        List<String> checks = new ArrayList<>();
        tests.get("checks").forEach(c -> checks.add(c.get("name").asString()));
        assertThat(tests.get("failed").asInt()).as(tests.toString()).isZero();
        assertThat(checks).contains("pool-healthy", "pool-is-rpool", "root-dataset", "lz4-compression",
                "snapshots-exist", "home-dataset", "var-log-dataset", "system-running", "no-failed-units",
                "uefi-boot", "kernel", "hostname", "network-up", "dns-configured", "ssh-listening", "root-login-refused",
                "firewall-table", "zfs-module-loaded", "wireguard-available", "darksite-installed",
                "be-create-activate", "be-boots-new", "be-activate-previous", "be-boots-previous", "be-check-removed",
                "sealed-clones-distinct-machine-ids", "sealed-clones-distinct-host-keys",
                "sealed-clones-hostname-from-nocloud", "sealed-clones-build-key-refused", "sealed-snapshot-only");

        String buildLog = farm.call("GET", "/api/v1/builds/" + id + "/logs", builder, null).body();
        assertThat(buildLog).contains("Install completed successfully", "rpool/ROOT/zfs-e2e")
                .doesNotContain(PASSWORD);
        assertThat(log(dir.resolve("control-plane.log"))).doesNotContain(PASSWORD);
        assertThat(log(dir.resolve("zfs-worker.log"))).doesNotContain(PASSWORD);

        String darksite = Files.readString(Path.of("target", "installers", "darksite.digest")).strip();
        assertThat(installer.get("darksite").asString()).isEqualTo(darksite);
        String imageName = build.get("imageName").asString();
        JsonNode image = farm.get("/api/v1/images/" + imageName, builder);
        assertThat(image.get("installerSha256").asString()).isEqualTo(installer.get("sha256").asString());
        assertThat(image.get("darksite").asString()).isEqualTo(darksite);
        List<String> darksites = farm.provenanceDependencies(imageName, builder, "darksite").stream()
                .map(d -> d.get("digest").get("sha256").asString()).toList();
        assertThat(darksites).containsExactly(darksite.substring("sha256:".length()));
        long locked = Files.readAllLines(Path.of("target", "installers", "darksite.lock")).stream()
                .filter(line -> !line.startsWith("#")).count();
        assertThat(farm.get("/api/v1/darksites/" + darksite, builder).get("packages").size()).isEqualTo(locked);

        printFigures(build, wall, buildLog);
    }

    private void printFigures(JsonNode build, Duration wall, String buildLog) {
        System.out.printf("BENCH reference-debian-zfs medium build.sh: %.1f s (caches as found)%n",
                mediumBuild.toMillis() / 1000.0);
        System.out.printf("BENCH reference-debian-zfs farm build: %.1f s from POST to SUCCEEDED%n",
                wall.toMillis() / 1000.0);
        for (JsonNode stage : build.get("stages")) {
            System.out.printf("BENCH   stage %-7s %7.1f s%n", stage.get("stage").asString(),
                    stage.get("durationMs").asLong() / 1000.0);
        }
        Matcher stats = POOL_STATS.matcher(buildLog);
        if (stats.find()) {
            long written = Long.parseLong(stats.group(1));
            long allocated = Long.parseLong(stats.group(2));
            long seconds = Math.max(1, Long.parseLong(stats.group(3)));
            System.out.printf("BENCH   pool: %d MiB written by the datasets, %d MiB allocated, in %d s since zpool "
                    + "create = %.1f MiB/s written (%.1f MiB/s allocated)%n", written >> 20, allocated >> 20,
                    seconds, written / 1048576.0 / seconds, allocated / 1048576.0 / seconds);
        }
    }

    private static String log(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
