package dev.goldsmith.worker.protocol;

import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.ArtifactUploadRequest;
import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.CompleteReply;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.HeartbeatReply;
import dev.goldsmith.api.Lease;
import dev.goldsmith.api.LogAck;
import dev.goldsmith.api.LogChunk;
import dev.goldsmith.api.StageReport;
import dev.goldsmith.api.WorkerRegistered;
import dev.goldsmith.api.WorkerRegistration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/** The worker protocol of {@code openapi/goldsmith.yaml}, spoken with the records of the {@code openapi} module. */
public class ControlPlane {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    public ControlPlane(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public WorkerRegistered register(WorkerRegistration registration) throws IOException {
        return post("/api/v1/workers", registration, WorkerRegistered.class, Duration.ofSeconds(30)).orElseThrow();
    }

    /** Long-polls for a build; empty when nothing came within the wait. */
    public Optional<Lease> claim(UUID workerId, Duration wait) throws IOException {
        return post("/api/v1/workers/" + workerId + "/claim?wait=" + wait, null, Lease.class,
                wait.plusSeconds(30));
    }

    public HeartbeatReply heartbeat(UUID lease) throws IOException {
        return post("/api/v1/leases/" + lease + "/heartbeat", null, HeartbeatReply.class, Duration.ofSeconds(20))
                .orElseThrow();
    }

    public void stage(UUID lease, String stage, StageReport report) throws IOException {
        post("/api/v1/leases/" + lease + "/stages/" + stage, report, Void.class, Duration.ofSeconds(20));
    }

    public LogAck log(UUID lease, LogChunk chunk) throws IOException {
        return post("/api/v1/leases/" + lease + "/logs", chunk, LogAck.class, Duration.ofSeconds(30)).orElseThrow();
    }

    public ArtifactUpload startUpload(UUID lease, ArtifactUploadRequest request) throws IOException {
        return post("/api/v1/leases/" + lease + "/artifacts", request, ArtifactUpload.class, Duration.ofSeconds(30))
                .orElseThrow();
    }

    public ArtifactView completeUpload(UUID lease, String format, ArtifactUploadComplete complete) throws IOException {
        // The control plane reads the whole object back to verify its digest: allow for large images.
        return post("/api/v1/leases/" + lease + "/artifacts/" + format + "/complete", complete, ArtifactView.class,
                Duration.ofMinutes(30)).orElseThrow();
    }

    /** Completes the lease; with {@code next}, also claims the worker's next build, waiting up to that long. */
    public CompleteReply complete(UUID lease, CompleteRequest request, Duration next) throws IOException {
        String query = next == null ? "" : "?next=" + next;
        Duration timeout = next == null ? Duration.ofMinutes(2) : Duration.ofMinutes(2).plus(next);
        return post("/api/v1/leases/" + lease + "/complete" + query, request, CompleteReply.class, timeout)
                .orElseThrow();
    }

    public HttpClient http() {
        return http;
    }

    private <T> Optional<T> post(String path, Object body, Class<T> type, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        int status = response.statusCode();
        if (status == 204 || type == Void.class && status / 100 == 2) {
            return Optional.empty();
        }
        if (status / 100 == 2) {
            return Optional.of(JSON.readValue(response.body(), type));
        }
        throw new ProtocolException(status, response.body());
    }
}
