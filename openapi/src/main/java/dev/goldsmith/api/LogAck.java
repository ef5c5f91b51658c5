package dev.goldsmith.api;

/** Whether the chunk was new ({@code stored}) or a resend of one already held. */
public record LogAck(long seq, boolean stored) {
}
