package dev.goldsmith.problems;

import dev.goldsmith.api.Problem;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/** An error the API reports as RFC 9457 problem+json with a stable {@code type}. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Map<String, Object> properties;
    private final Duration retryAfter;

    public ApiException(HttpStatus status, String type, String title, String detail, Map<String, Object> properties) {
        this(status, type, title, detail, properties, null);
    }

    private ApiException(HttpStatus status, String type, String title, String detail, Map<String, Object> properties,
            Duration retryAfter) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.properties = new LinkedHashMap<>(properties);
        this.retryAfter = retryAfter;
    }

    /** The caller's team is over a limit; the same request may succeed after {@code retryAfter}. */
    public static ApiException rateLimited(String detail, Duration retryAfter) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, Problem.RATE_LIMITED, "Too many requests", detail,
                Map.of("retryable", true), retryAfter);
    }

    public static ApiException invalid(List<FieldViolation> violations) {
        String detail = violations.size() == 1
                ? violations.getFirst().field() + ": " + violations.getFirst().message()
                : violations.size() + " fields are invalid; the first is " + violations.getFirst().field()
                        + ": " + violations.getFirst().message();
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, Problem.VALIDATION, "Invalid request", detail,
                Map.of("errors", violations));
    }

    public static ApiException invalid(String field, String message) {
        return invalid(List.of(new FieldViolation(field, message)));
    }

    /**
     * The object store holds something other than what the worker reported ({@code field} is {@code sha256},
     * {@code size} or {@code parts}); the upload was discarded and starting it again may succeed.
     */
    public static ApiException artifactMismatch(String field, String message) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, Problem.ARTIFACT_MISMATCH, "Artifact not as reported",
                field + ": " + message, Map.of("errors", List.of(new FieldViolation(field, message)), "retryable", true));
    }

    /** A dependency (the object store) did not answer; the same request may succeed shortly. */
    public static ApiException unavailable(String detail) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, Problem.UNAVAILABLE, "Service unavailable", detail,
                Map.of("retryable", true));
    }

    /** This replica is at a limit of its own (followed logs, say); the same request may succeed after a while. */
    public static ApiException busy(String detail, Duration retryAfter) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, Problem.UNAVAILABLE, "Service unavailable", detail,
                Map.of("retryable", true), retryAfter);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, Problem.NOT_FOUND, "Not found", detail, Map.of());
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, Problem.CONFLICT, "Conflict", detail, Map.of());
    }

    /** The image version was revoked: its files are withdrawn for good ({@code reason} says why). */
    public static ApiException revoked(String detail, String reason) {
        return new ApiException(HttpStatus.GONE, Problem.REVOKED, "Revoked", detail, Map.of("reason", reason));
    }

    public static ApiException leaseLost(String detail) {
        return new ApiException(HttpStatus.CONFLICT, Problem.LEASE_LOST, "Lease no longer held", detail,
                Map.of("retryable", false));
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, Problem.FORBIDDEN, "Forbidden", detail, Map.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    /** When to try again ({@code Retry-After}), if the problem says. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
