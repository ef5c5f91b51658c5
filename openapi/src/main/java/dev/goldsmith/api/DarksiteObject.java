package dev.goldsmith.api;

/** An object of a darksite in the bucket, with the SHA-256 and size of its bytes. */
public record DarksiteObject(String objectKey, String sha256, long size) {
}
