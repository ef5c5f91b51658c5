package dev.goldsmith.provenance;

/** A DSSE envelope as JSON, exactly the bytes stored and served, and the id of the key that signed it. */
public record SignedProvenance(String envelope, String keyId) {
}
