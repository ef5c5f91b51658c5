package dev.goldsmith.api;

import java.time.Instant;

/** One pipeline stage of one attempt. {@code durationMs} is set once the stage has finished. */
public record StageView(String stage, int attempt, String status, Instant startedAt, Instant finishedAt,
        Long durationMs, String detail) {
}
