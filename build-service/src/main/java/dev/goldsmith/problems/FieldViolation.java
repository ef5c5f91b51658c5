package dev.goldsmith.problems;

/** One rejected field of a request: {@code field} is a JSON path such as {@code answers.KLDLOAD_HOSTNAME}. */
public record FieldViolation(String field, String message) {
}
