package dev.goldsmith.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The issued token. {@code token} is shown this once; the farm keeps only its hash. */
public record TokenIssued(UUID id, String token, String team, List<String> roles, Instant createdAt) {
}
