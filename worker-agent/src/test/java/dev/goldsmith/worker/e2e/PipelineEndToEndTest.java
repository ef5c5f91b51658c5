package dev.goldsmith.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.worker.vm.Commands;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The whole farm for real, under TCG: the control plane's jar on embedded defaults (PostgreSQL, S3Proxy), a
 * worker agent process, the reference-tiny installer, and every stage from seed disk to verified upload.
 */
@Tag("vm")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(12);
    private static final String PASSWORD = "e2e-Secret-pa55";

    private Path dir;
    private Farm farm;
    private String builder;

    @BeforeAll
    void startFarm() throws Exception {
        dir = Files.createTempDirectory("goldsmith-e2e-");
        farm = Farm.start(dir, Map.of(
                "GOLDSMITH_LEASE_TTL", "20s",
                "GOLDSMITH_WORKERS_HEARTBEAT_INTERVAL", "5s",
                "GOLDSMITH_QUEUE_SWEEP_INTERVAL", "2s"));
        builder = farm.token("platform", "builder");
    }

    @AfterAll
    void stopFarm() throws Exception {
        Farm.stopAndRemove(farm, dir);
    }

    private String submit(List<String> formats, String hostname) throws Exception {
        return submit(formats, hostname, List.of());
    }

    private String submit(List<String> formats, String hostname, List<String> workerLabels) throws Exception {
        var response = farm.call("POST", "/api/v1/builds", builder, Map.of(
                "workerLabels", workerLabels,
                "distro", "debian", "profile", "core", "installer", "reference-tiny",
                "answers", Map.of("KLDLOAD_HOSTNAME", hostname, "KLDLOAD_USERNAME", "admin",
                        "KLDLOAD_PASSWORD", PASSWORD),
                "formats", formats,
                "source", Map.of("repository", "https://git.example.com/platform/images.git",
                        "commit", Long.toHexString(System.nanoTime()) + "abcdef0"),
                "force", true));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Farm.JSON.readTree(response.body()).get("id").asString();
    }

    @Test
    @Order(1)
    void buildGoesFromSeedDiskToVerifiedArtifactsInEveryFormat() throws Exception {
        farm.worker("e2e-worker", farm.token("farm", "worker"), dir.resolve("work"), Map.of());
        String id = submit(List.of("qcow2", "raw", "vmdk", "vhd", "ova"), "golden-e2e");

        JsonNode build = farm.awaitEnd(id, builder, BUILD_TIMEOUT);

        assertThat(build.get("status").asString()).as(build.toString() + "\n" + workerLog()).isEqualTo("SUCCEEDED");
        List<String> stages = new ArrayList<>();
        build.get("stages").forEach(s -> stages.add(s.get("stage").asString() + "=" + s.get("status").asString()));
        assertThat(stages).containsExactly("INSTALL=SUCCEEDED", "TEST=SUCCEEDED", "SEAL=SUCCEEDED", "EXPORT=SUCCEEDED",
                "STORE=SUCCEEDED");

        JsonNode tests = farm.get("/api/v1/builds/" + id + "/tests", builder);
        assertThat(tests.get("failed").asInt()).isZero();
        List<String> checks = new ArrayList<>();
        tests.get("checks").forEach(c -> checks.add(c.get("name").asString()));
        assertThat(checks).contains("uefi-boot", "ssh-listening", "root-login-refused", "hostname",
                "machine-id-present");

        String junit = farm.callAccepting("/api/v1/builds/" + id + "/tests", builder, "application/xml").body();
        assertThat(junit).startsWith("<?xml").contains("<testsuite name=\"tiny\" tests=\"" + checks.size()
                + "\" failures=\"0\"", "<testcase classname=\"goldsmith.smoke.tiny\" name=\"uefi-boot\"");

        String log = farm.call("GET", "/api/v1/builds/" + id + "/logs", builder, null).body();
        assertThat(log).contains("Install completed successfully", "KLDLOADSEED").doesNotContain(PASSWORD);
        assertThat(Files.readString(dir.resolve("control-plane.log"))).doesNotContain(PASSWORD);
        assertThat(workerLog()).doesNotContain(PASSWORD);

        String name = build.get("imageName").asString();
        Path images = objectDir(name);
        for (JsonNode artifact : build.get("artifacts")) {
            Path file = images.resolve(artifact.get("fileName").asString());
            assertThat(sha256(file)).isEqualTo(artifact.get("sha256").asString());
            assertThat(Files.size(file)).isEqualTo(artifact.get("size").asLong());
            assertThat(Files.readString(images.resolve(artifact.get("fileName").asString() + ".sha256")))
                    .isEqualTo(artifact.get("sha256").asString() + "  " + artifact.get("fileName").asString() + "\n");
        }
        assertThat(qemuImg("check", images.resolve(name + ".qcow2"))).contains("No errors were found");
        assertThat(qemuImg("check", images.resolve(name + ".vmdk"))).contains("No errors were found");
        assertThat(qemuImgInfo(images.resolve(name + ".vmdk"))).contains("\"create-type\": \"streamOptimized\"");
        assertThat(qemuImgInfo(images.resolve(name + ".qcow2"))).contains("\"format\": \"qcow2\"");
        assertThat(qemuImgInfo(images.resolve(name + ".raw"))).contains("\"format\": \"raw\"");
        // A fixed VHD is raw data plus a footer, which qemu-img does not probe: name the format to read it.
        String vhd = Commands.run(List.of("qemu-img", "info", "-f", "vpc", "--output=json",
                images.resolve(name + ".vhd").toString()), Duration.ofMinutes(1)).orThrow().output();
        assertThat(vhd).contains("\"format\": \"vpc\"", "\"virtual-size\": " + (512L << 20));
        long vhdSize = Files.size(images.resolve(name + ".vhd"));
        assertThat((vhdSize - 512) % (1024 * 1024)).as("fixed vhd = whole MiB of data + 512-byte footer").isZero();
        assertThat(ovaMembers(images.resolve(name + ".ova")))
                .containsExactly(name + ".ovf", name + ".mf", name + "-disk1.vmdk");

        JsonNode sbom = Farm.JSON.readTree(Files.readString(images.resolve(name + ".spdx.json")));
        List<String> packages = new ArrayList<>();
        sbom.get("packages").forEach(p -> packages.add(p.get("name").asString()));
        assertThat(packages).as("the SBOM lists what the TEST stage found installed")
                .contains(name, "busybox-static", "dropbear-bin").anyMatch(p -> p.startsWith("linux-image-"));

        DiskInspector sealed = DiskInspector.rootOf(images.resolve(name + ".raw"), dir);
        assertThat(sealed.cat("/etc/machine-id")).as("machine-id emptied by SEAL").isBlank();
        assertThat(sealed.list("/etc/dropbear")).doesNotContain("host_key");
        assertThat(sealed.exists("/home/admin/.ssh/authorized_keys")).isFalse();
        assertThat(sealed.cat("/etc/hostname")).contains("golden-e2e");
    }

    @Test
    @Order(2)
    void killedWorkerLeavesNoQemuBehindAndItsBuildIsRequeuedAndFinished() throws Exception {
        String token = farm.token("farm", "worker");
        Path workDir = dir.resolve("fault-work");
        Process first = farm.worker("fault-worker", token, workDir,
                Map.of("GOLDSMITH_WORKER_LABELS", "fault"));
        String id = submit(List.of("qcow2"), "fault-e2e", List.of("fault"));
        ProcessHandle installer = awaitInstallerVm(workDir, Duration.ofMinutes(3));

        first.destroyForcibly().waitFor();
        assertThat(installer.isAlive()).as("QEMU outlives a SIGKILLed agent until its restart").isTrue();
        farm.worker("fault-worker-restarted", token, workDir, Map.of("GOLDSMITH_WORKER_LABELS", "fault"));

        assertThat(installer.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
        JsonNode build = farm.awaitEnd(id, builder, BUILD_TIMEOUT);
        assertThat(build.get("status").asString()).as(build.toString()).isEqualTo("SUCCEEDED");
        assertThat(build.get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void cancellingARunningBuildStopsItsVmWithinSeconds() throws Exception {
        Path workDir = dir.resolve("cancel-work");
        farm.worker("cancel-worker", farm.token("farm", "worker"), workDir,
                Map.of("GOLDSMITH_WORKER_LABELS", "cancel"));
        String id = submit(List.of("qcow2"), "cancel-e2e", List.of("cancel"));
        ProcessHandle installer = awaitInstallerVm(workDir, Duration.ofMinutes(3));

        var cancelled = farm.call("POST", "/api/v1/builds/" + id + "/cancel", builder, null);
        assertThat(cancelled.statusCode()).isEqualTo(200);

        // Heartbeats come every 5 s here: the VM must be gone soon after the next one.
        installer.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        JsonNode build = farm.awaitEnd(id, builder, Duration.ofMinutes(1));
        assertThat(build.get("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    @Order(4)
    void twoSlotsRunTwoBuildsAtOnceWithoutClashingPortsOrFiles() throws Exception {
        Path workDir = dir.resolve("pair-work");
        farm.worker("pair-worker", farm.token("farm", "worker"), workDir,
                Map.of("GOLDSMITH_WORKER_LABELS", "pair", "GOLDSMITH_SLOTS", "2", "GOLDSMITH_VM_MEMORY_MB", "512"));
        String first = submit(List.of("qcow2"), "pair-one", List.of("pair"));
        String second = submit(List.of("qcow2"), "pair-two", List.of("pair"));

        // Both slots had a VM running at once.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().map(c -> c.contains("qemu-system")
                                && c.contains(workDir.toString())).orElse(false))
                        .count() == 2);
        for (String id : List.of(first, second)) {
            JsonNode build = farm.awaitEnd(id, builder, BUILD_TIMEOUT);
            assertThat(build.get("status").asString()).as(build.toString()).isEqualTo("SUCCEEDED");
        }
    }

    /** Two such builds queued for one worker: the first one's completion hands it the second. */
    @Test
    @Order(5)
    void installerFailureLineFailsTheBuildAtInstallWithoutRetry() throws Exception {
        farm.worker("failing-worker", farm.token("farm", "worker"), dir.resolve("failing-work"),
                Map.of("GOLDSMITH_WORKER_LABELS", "failing"));
        String first = submitBuildThatInstallsOntoItsInstaller("failing-e2e");
        String second = submitBuildThatInstallsOntoItsInstaller("failing-e2e-2");

        for (String id : List.of(first, second)) {
            JsonNode build = farm.awaitEnd(id, builder, BUILD_TIMEOUT);

            assertThat(build.get("status").asString()).isEqualTo("FAILED");
            assertThat(build.get("attempt").asInt()).isEqualTo(1);
            assertThat(build.get("failure").get("code").asString()).isEqualTo("INSTALL_FAILED");
            assertThat(build.get("failure").get("stage").asString()).isEqualTo("INSTALL");
            assertThat(build.get("failure").get("reason").asString()).contains("Install failed:");
            assertThat(farm.call("GET", "/api/v1/builds/" + id + "/logs", builder, null).body())
                    .contains("Install failed:");
        }
        assertThat(Files.readString(dir.resolve("failing-worker.log")))
                .contains("claimed build " + second + " attempt 1 with the completion of build " + first);
    }

    private String submitBuildThatInstallsOntoItsInstaller(String hostname) throws Exception {
        // The installer medium is the second disk: the installer refuses to install onto itself.
        var response = farm.call("POST", "/api/v1/builds", builder, Map.of(
                "workerLabels", List.of("failing"), "distro", "debian", "profile", "core",
                "installer", "reference-tiny", "formats", List.of("qcow2"), "force", true,
                "answers", Map.of("KLDLOAD_HOSTNAME", hostname, "KLDLOAD_DISK", "/dev/vdb"),
                "source", Map.of("repository", "https://git.example.com/platform/images.git", "commit", "fa11ed0")));
        return Farm.JSON.readTree(response.body()).get("id").asString();
    }

    private ProcessHandle awaitInstallerVm(Path workDir, Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().map(c -> c.contains("qemu-system")
                                && c.contains(workDir.toString()) && c.contains("-install")).orElse(false))
                        .findFirst(), java.util.Optional::isPresent)
                .get();
    }

    private Path objectDir(String imageName) throws Exception {
        try (Stream<Path> found = Files.walk(farm.dataDir.resolve("s3"))) {
            return found.filter(p -> p.getFileName().toString().equals(imageName + ".qcow2")).findFirst()
                    .orElseThrow(() -> new AssertionError("no stored qcow2 for " + imageName)).getParent();
        }
    }

    private String workerLog() throws Exception {
        Path log = dir.resolve("e2e-worker.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String qemuImg(String command, Path image) throws Exception {
        return Commands.run(List.of("qemu-img", command, image.toString()), Duration.ofMinutes(2)).output();
    }

    private static String qemuImgInfo(Path image) throws Exception {
        return Commands.run(List.of("qemu-img", "info", "--output=json", image.toString()), Duration.ofMinutes(1))
                .orThrow().output();
    }

    private static List<String> ovaMembers(Path ova) throws Exception {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(ova))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                names.add(entry.getName());
            }
        }
        return names;
    }

    static String sha256(Path file) throws Exception {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
    }

}
