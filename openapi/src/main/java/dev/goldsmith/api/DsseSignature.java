package dev.goldsmith.api;

/** One DSSE signature: {@code keyid} is the hex SHA-256 of the signer's public key (SPKI DER), {@code sig} base64. */
public record DsseSignature(String keyid, String sig) {
}
