package dev.goldsmith.api;

import java.util.List;

/**
 * A DSSE envelope (in-toto): {@code payload} is the base64 of the signed bytes, here an in-toto Statement with
 * an SLSA v1 provenance predicate; each signature is over {@code PAE(payloadType, payload bytes)}.
 */
public record DsseEnvelope(String payloadType, String payload, List<DsseSignature> signatures) {
}
