package dev.goldsmith.api;

/** One smoke-test check as the TEST stage ran it. */
public record CheckResult(String name, String command, int exitStatus, boolean passed, String output,
        long durationMs) {
}
