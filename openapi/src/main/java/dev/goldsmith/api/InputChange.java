package dev.goldsmith.api;

/**
 * One input that differs between two builds ({@code answers.KLDLOAD_HOSTNAME}, {@code installer}, ...). A secret
 * answer shows neither value: {@code from} and {@code to} say only whether it was set ({@code (secret)}).
 */
public record InputChange(String field, String from, String to) {
}
