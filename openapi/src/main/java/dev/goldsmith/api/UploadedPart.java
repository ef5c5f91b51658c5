package dev.goldsmith.api;

/** A part the object store accepted, with the ETag it answered. */
public record UploadedPart(int partNumber, String etag) {
}
