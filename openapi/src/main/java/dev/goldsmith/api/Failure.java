package dev.goldsmith.api;

/** Why a build failed: a stable code (e.g. {@code WORKER_LOST}, {@code TEST_FAILED}), a reason, and the stage. */
public record Failure(String code, String reason, String stage, boolean retryable) {
}
