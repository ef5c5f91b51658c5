package dev.goldsmith.worker.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole farm on embedded defaults for end-to-end tests: the control plane's jar as a process (embedded
 * PostgreSQL and S3Proxy in a temporary data directory), and worker agents as processes.
 */
final class Farm implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String ADMIN = "e2e-admin-token-0123456789";

    final Path dir;
    final int port;
    final Path dataDir;
    private final Process controlPlane;
    private final List<Process> workers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Farm(Path dir, int port, Process controlPlane) {
        this.dir = dir;
        this.port = port;
        this.dataDir = dir.resolve("data");
        this.controlPlane = controlPlane;
    }

    static Farm start(Path dir, Map<String, String> settings) throws Exception {
        int port = freePort();
        Path jar = Path.of("..", "build-service", "target", "build-service-0.1.0-SNAPSHOT-exec.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package build-service first: " + jar);
        }
        Map<String, String> env = new HashMap<>(Map.of(
                "GOLDSMITH_DATA_DIR", dir.resolve("data").toString(),
                "GOLDSMITH_ADMIN_TOKEN", ADMIN,
                "SERVER_PORT", Integer.toString(port)));
        // The control plane registers the reference media it finds here at start-up; workers fetch them from it.
        env.put("GOLDSMITH_INSTALLER_DIR", ReferenceTiny.mediumDir().toString());
        env.putAll(settings);
        Process process = Processes.start(List.of(Processes.java(), "-jar", jar.toString()), env,
                dir.resolve("control-plane.log"));
        Farm farm = new Farm(dir, port, process);
        await("control plane healthy").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("control plane exited: "
                                + Files.readString(dir.resolve("control-plane.log")));
                    }
                    return farm.healthy();
                });
        return farm;
    }

    private boolean healthy() throws InterruptedException {
        try {
            return call("GET", "/actuator/health", null, null).statusCode() == 200;
        } catch (IOException starting) {
            return false;
        }
    }

    String token(String team, String... roles) throws Exception {
        var response = call("POST", "/api/v1/tokens", ADMIN, Map.of("team", team, "roles", List.of(roles)));
        return JSON.readTree(response.body()).get("token").asString();
    }

    /** A worker agent; it fetches installer media from the farm into {@code <workDir>/cache}. */
    Process worker(String name, String token, Path workDir, Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of(
                "GOLDSMITH_URL", "http://127.0.0.1:" + port,
                "GOLDSMITH_WORKER_TOKEN", token,
                "GOLDSMITH_WORK_DIR", workDir.toString(),
                "GOLDSMITH_WORKER_NAME", name,
                "GOLDSMITH_ACCEL", "tcg",
                "GOLDSMITH_CLAIM_WAIT", "PT5S"));
        env.putAll(extra);
        Process worker = Processes.start(List.of(Processes.java(), "-cp", System.getProperty("java.class.path"),
                "dev.goldsmith.worker.WorkerMain"), env, dir.resolve(name + ".log"));
        workers.add(worker);
        return worker;
    }

    HttpResponse<String> call(String method, String path, String token, Object body) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(2));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> callAccepting(String path, String token, String accept) throws IOException,
            InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path, String token) throws Exception {
        return JSON.readTree(call("GET", path, token, null).body());
    }

    /** The resolved dependencies named {@code name} in an image version's signed provenance statement. */
    List<JsonNode> provenanceDependencies(String image, String token, String name) throws Exception {
        JsonNode envelope = get("/api/v1/images/" + image + "/provenance", token);
        JsonNode statement = JSON.readTree(java.util.Base64.getDecoder().decode(envelope.get("payload").asString()));
        List<JsonNode> found = new ArrayList<>();
        statement.get("predicate").get("buildDefinition").get("resolvedDependencies").forEach(d -> {
            if (d.get("name").asString().equals(name)) {
                found.add(d);
            }
        });
        return found;
    }

    /** Polls a build until it ends (or the deadline passes) and returns its last view. */
    JsonNode awaitEnd(String buildId, String token, Duration timeout) throws Exception {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            await("build " + buildId + " ends").atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(() -> {
                last.set(get("/api/v1/builds/" + buildId, token));
                return !List.of("QUEUED", "RUNNING").contains(last.get().get("status").asString());
            });
        } catch (ConditionTimeoutException stillRunning) {
            // The caller asserts on the status, with the build and the worker's log in its message.
        }
        return last.get();
    }

    /** Stops a farm started in {@code dir} (if it started) and removes the directory. */
    static void stopAndRemove(Farm farm, Path dir) throws Exception {
        if (farm != null) {
            farm.close();
        }
        deleteTree(dir);
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (Process worker : workers) {
            worker.descendants().forEach(ProcessHandle::destroyForcibly);
            worker.destroy();
            worker.waitFor();
        }
        controlPlane.destroy();
        controlPlane.waitFor();
    }
}
