package dev.goldsmith.api;

/** The build's status after completion: SUCCEEDED, FAILED, CANCELLED, or QUEUED when a retry was scheduled. */
public record CompleteReply(String status) {
}
