package dev.goldsmith.api;

/**
 * The build's status after completion (SUCCEEDED, FAILED, CANCELLED, or QUEUED when a retry was scheduled) and,
 * when the completion asked for it with {@code next}, the worker's next lease (null when nothing fitted in time).
 */
public record CompleteReply(String status, Lease next) {
}
