package dev.goldsmith.api;

/** A presigned URL that accepts exactly one part of a multipart upload. */
public record PartUrl(int partNumber, String url) {
}
