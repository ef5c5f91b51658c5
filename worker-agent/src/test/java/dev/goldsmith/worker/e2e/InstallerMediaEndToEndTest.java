package dev.goldsmith.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.InstallerRegistration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
 * A medium a team uploads, end to end under TCG: the bytes of reference-tiny registered under another name with a
 * success line of its own (a farm that registered no reference media at start-up, so the bytes really travel
 * through the presigned upload), built from by name, then by digest after the worker's cached copy was corrupted.
 */
@Tag("vm")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallerMediaEndToEndTest {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(12);
    private static final String NAME = "tiny-copy";
    private static final String SUCCESS_LINE = "reference-tiny: powering off";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Path dir;
    private Farm farm;
    private String builder;
    private String sha256;

    @BeforeAll
    void startFarm() throws Exception {
        dir = Files.createTempDirectory("goldsmith-media-e2e-");
        Files.createDirectories(dir.resolve("no-reference-media"));
        farm = Farm.start(dir, Map.of("GOLDSMITH_INSTALLER_DIR", dir.resolve("no-reference-media").toString()));
        builder = farm.token("platform", "builder");
        farm.worker("media-worker", farm.token("farm", "worker"), dir.resolve("work"), Map.of());
    }

    @AfterAll
    void stopFarm() throws Exception {
        Farm.stopAndRemove(farm, dir);
    }

    @Test
    @Order(1)
    void anUploadedMediumIsStoredUnderItsDigestAndItsBytesHashToIt() throws Exception {
        Path medium = ReferenceTiny.mediumDir().resolve("reference-tiny.img");
        sha256 = PipelineEndToEndTest.sha256(medium);
        byte[] bytes = Files.readAllBytes(medium);
        assertThat(farm.get("/api/v1/installers", builder).get("items")).isEmpty();

        var started = farm.call("POST", "/api/v1/installers", builder, new InstallerRegistration(NAME, sha256,
                bytes.length, "img", "UEFI", SUCCESS_LINE, List.of("Install failed:"), "PT10M", List.of("debian"),
                List.of("core"), "tiny", "512M"));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode upload = Farm.JSON.readTree(started.body()).get("upload");
        List<Map<String, Object>> parts = new ArrayList<>();
        long partSize = upload.get("partSize").asLong();
        for (JsonNode part : upload.get("parts")) {
            int number = part.get("partNumber").asInt();
            int from = (int) ((number - 1) * partSize);
            int length = (int) Math.min(partSize, bytes.length - from);
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(part.get("url").asString()))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes, from, length)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            parts.add(Map.of("partNumber", number, "etag", put.headers().firstValue("ETag").orElseThrow()));
        }
        var completed = farm.call("POST", "/api/v1/installers/" + NAME + "/complete", builder, Map.of(
                "uploadId", upload.get("uploadId").asString(), "sha256", sha256, "size", bytes.length,
                "parts", parts));

        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(201);
        JsonNode installer = Farm.JSON.readTree(completed.body());
        assertThat(installer.get("objectKey").asString()).isEqualTo("installers/" + sha256 + ".img");
        assertThat(PipelineEndToEndTest.sha256(storedObject(sha256 + ".img"))).isEqualTo(sha256);
    }

    @Test
    @Order(2)
    void aBuildFromTheUploadedMediumEndsInstallOnItsOwnSuccessLine() throws Exception {
        String id = submit(NAME, "copy-one");

        JsonNode build = farm.awaitEnd(id, builder, BUILD_TIMEOUT);

        assertThat(build.get("status").asString()).as(build + "\n" + workerLog()).isEqualTo("SUCCEEDED");
        String log = buildLog(id);
        assertThat(log).contains("fetching installer medium " + NAME, "fetched and checked",
                "install finished: VM exited after '" + SUCCESS_LINE + "'");
        String image = build.get("imageName").asString();
        JsonNode view = farm.get("/api/v1/images/" + image, builder);
        assertThat(view.get("installer").asString()).isEqualTo(NAME);
        assertThat(view.get("installerSha256").asString()).isEqualTo(sha256);
        List<String> installers = farm.provenanceDependencies(image, builder, "installer").stream()
                .map(d -> d.get("uri").asString() + " " + d.get("digest").get("sha256").asString()).toList();
        assertThat(installers).singleElement().asString().endsWith("/installers/" + NAME + " " + sha256);
    }

    @Test
    @Order(3)
    void aCorruptedCachedMediumIsDetectedAndFetchedAgainBeforeItBoots() throws Exception {
        Path cached = dir.resolve("work").resolve("cache").resolve(sha256 + ".img");
        assertThat(cached).exists();
        cached.toFile().setWritable(true);
        try (var file = java.nio.channels.FileChannel.open(cached, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap("corrupted".getBytes()), 4096);
        }

        String id = submit("sha256:" + sha256, "copy-two");
        JsonNode build = farm.awaitEnd(id, builder, BUILD_TIMEOUT);

        assertThat(build.get("status").asString()).as(build + "\n" + workerLog()).isEqualTo("SUCCEEDED");
        assertThat(buildLog(id)).contains("is corrupt", "fetching it again", "fetched and checked");
        assertThat(PipelineEndToEndTest.sha256(cached)).isEqualTo(sha256);
    }

    private String submit(String installer, String hostname) throws Exception {
        var response = farm.call("POST", "/api/v1/builds", builder, Map.of(
                "distro", "debian", "profile", "core", "installer", installer, "formats", List.of("qcow2"),
                "answers", Map.of("KLDLOAD_HOSTNAME", hostname, "KLDLOAD_USERNAME", "admin"),
                "source", Map.of("repository", "https://git.example.com/platform/images.git",
                        "commit", Long.toHexString(System.nanoTime()) + "abcdef0"),
                "force", true));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Farm.JSON.readTree(response.body()).get("id").asString();
    }

    private String buildLog(String id) throws Exception {
        return farm.call("GET", "/api/v1/builds/" + id + "/logs", builder, null).body();
    }

    private Path storedObject(String fileName) throws Exception {
        try (Stream<Path> found = Files.walk(farm.dataDir.resolve("s3"))) {
            return found.filter(p -> p.getFileName().toString().equals(fileName)).findFirst()
                    .orElseThrow(() -> new AssertionError("no stored " + fileName));
        }
    }

    private String workerLog() throws Exception {
        Path log = dir.resolve("media-worker.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
