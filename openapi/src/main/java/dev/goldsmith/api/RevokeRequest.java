package dev.goldsmith.api;

/** {@code POST /api/v1/images/{name}/revoke}: why this version must not be used any more. */
public record RevokeRequest(String reason) {
}
