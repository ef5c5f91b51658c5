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
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker protocol of {@code openapi/goldsmith.yaml}, spoken with the records of the {@code openapi} module.
 * Every call has a deadline for its whole exchange, headers and body ({@link Deadlines}); a call past it is
 * abandoned and fails as an {@link IOException}, so a hung control plane never holds a worker's thread.
 */
public class ControlPlane {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * How long the worker waits for the control plane: {@code call} for any ordinary call, {@code claimMargin}
     * beyond the wait a long-poll claim or a completion asked for, {@code verification} for the completion of an
     * upload (the control plane reads the whole image back to check it).
     */
    public record Deadlines(Duration call, Duration claimMargin, Duration verification) {

        public static final Deadlines DEFAULT = new Deadlines(Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofMinutes(30));
    }

    private final URI base;
    private final String token;
    private final Deadlines deadlines;
    private final HttpClient http;

    public ControlPlane(URI base, String token) {
        this(base, token, Deadlines.DEFAULT);
    }

    public ControlPlane(URI base, String token, Deadlines deadlines) {
        this.base = base;
        this.token = token;
        this.deadlines = deadlines;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(deadlines.call().compareTo(Duration.ofSeconds(10)) < 0 ? deadlines.call()
                        : Duration.ofSeconds(10))
                .build();
    }

    public WorkerRegistered register(WorkerRegistration registration) throws IOException {
        return post("/api/v1/workers", registration, WorkerRegistered.class, deadlines.call()).orElseThrow();
    }

    /** Long-polls for a build; empty when nothing came within the wait. */
    public Optional<Lease> claim(UUID workerId, Duration wait) throws IOException {
        return post("/api/v1/workers/" + workerId + "/claim?wait=" + wait, null, Lease.class,
                wait.plus(deadlines.claimMargin()));
    }

    /** A heartbeat, given up on after {@code deadline}: a beat must never wait past the next one. */
    public HeartbeatReply heartbeat(UUID lease, Duration deadline) throws IOException {
        return post("/api/v1/leases/" + lease + "/heartbeat", null, HeartbeatReply.class, deadline).orElseThrow();
    }

    public void stage(UUID lease, String stage, StageReport report) throws IOException {
        post("/api/v1/leases/" + lease + "/stages/" + stage, report, Void.class, deadlines.call());
    }

    public LogAck log(UUID lease, LogChunk chunk) throws IOException {
        return post("/api/v1/leases/" + lease + "/logs", chunk, LogAck.class, deadlines.call()).orElseThrow();
    }

    public ArtifactUpload startUpload(UUID lease, ArtifactUploadRequest request) throws IOException {
        return post("/api/v1/leases/" + lease + "/artifacts", request, ArtifactUpload.class, deadlines.call())
                .orElseThrow();
    }

    public ArtifactView completeUpload(UUID lease, String format, ArtifactUploadComplete complete) throws IOException {
        // The control plane reads the whole object back to verify its digest: allow for large images.
        return post("/api/v1/leases/" + lease + "/artifacts/" + format + "/complete", complete, ArtifactView.class,
                deadlines.verification()).orElseThrow();
    }

    /** Completes the lease; with {@code next}, also claims the worker's next build, waiting up to that long. */
    public CompleteReply complete(UUID lease, CompleteRequest request, Duration next) throws IOException {
        String query = next == null ? "" : "?next=" + next;
        // A success stores its log and records and signs its provenance before it answers.
        Duration deadline = deadlines.call().multipliedBy(2).plus(next == null ? Duration.ZERO
                : next.plus(deadlines.claimMargin()));
        return post("/api/v1/leases/" + lease + "/complete" + query, request, CompleteReply.class, deadline)
                .orElseThrow();
    }

    public HttpClient http() {
        return http;
    }

    private <T> Optional<T> post(String path, Object body, Class<T> type, Duration deadline) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(deadline)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<String> response = exchange(request, deadline);
        int status = response.statusCode();
        if (status == 204 || type == Void.class && status / 100 == 2) {
            return Optional.empty();
        }
        if (status / 100 == 2) {
            return Optional.of(JSON.readValue(response.body(), type));
        }
        throw new ProtocolException(status, response.body());
    }

    /** The request's whole exchange, headers and body, within {@code deadline}. */
    private HttpResponse<String> exchange(HttpRequest request, Duration deadline) throws IOException {
        CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            return sent.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw new HttpTimeoutException("no answer from the control plane within " + deadline + " ("
                    + request.method() + " " + request.uri().getPath() + ")");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
