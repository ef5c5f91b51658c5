package dev.goldsmith.api;

/** {@code PUT /api/v1/images/{name}/shared}: whether other teams may see and promote this version. */
public record ShareRequest(Boolean shared) {
}
