package dev.goldsmith.api;

/** {@code PUT /api/v1/channels/{channel}/{distro}/{profile}}: the image version the channel should point at. */
public record PromoteRequest(String image) {
}
