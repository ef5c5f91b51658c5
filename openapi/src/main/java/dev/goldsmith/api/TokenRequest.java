package dev.goldsmith.api;

import java.util.List;

/** {@code POST /api/v1/tokens}: issue a bearer token for a team with the given roles. */
public record TokenRequest(String team, List<String> roles, String description) {
}
