package dev.goldsmith.api;

/** Stable problem {@code type} URIs of the API (RFC 9457). */
public final class Problem {
    public static final String BASE = "https://goldsmith.dev/problems/";
    public static final String VALIDATION = BASE + "validation";
    public static final String MALFORMED = BASE + "malformed-request";
    public static final String NOT_FOUND = BASE + "not-found";
    public static final String CONFLICT = BASE + "conflict";
    public static final String REVOKED = BASE + "revoked";
    public static final String LEASE_LOST = BASE + "lease-lost";
    /** What landed in the object store is not what the worker reported; the upload was discarded. */
    public static final String ARTIFACT_MISMATCH = BASE + "artifact-mismatch";
    public static final String UNAUTHORIZED = BASE + "unauthorized";
    public static final String FORBIDDEN = BASE + "forbidden";
    public static final String TOO_LARGE = BASE + "payload-too-large";
    public static final String UNSUPPORTED_MEDIA_TYPE = BASE + "unsupported-media-type";
    public static final String METHOD_NOT_ALLOWED = BASE + "method-not-allowed";
    /** The team is over a submission limit; retry after the {@code Retry-After} header's seconds. */
    public static final String RATE_LIMITED = BASE + "rate-limited";
    public static final String UNAVAILABLE = BASE + "service-unavailable";
    public static final String INTERNAL = BASE + "internal";

    private Problem() {
    }
}
