package dev.goldsmith.security;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is calling: the token's id, its team and roles, and for a worker token the worker it is bound to. */
public record Caller(UUID tokenId, String team, Set<Role> roles, UUID workerId) {

    public static final String FARM_TEAM = "farm";

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }

    /** Admin sees every team's builds; everybody else their own team's. */
    public boolean canSee(String ownerTeam) {
        return isAdmin() || team.equals(ownerTeam);
    }

    public String actor() {
        return "token:" + tokenId;
    }

    public static Caller current() {
        return find().orElseThrow(() -> new IllegalStateException("no authenticated caller"));
    }

    public static Optional<Caller> find() {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getPrincipal() instanceof Caller caller ? Optional.of(caller) : Optional.empty();
    }
}
