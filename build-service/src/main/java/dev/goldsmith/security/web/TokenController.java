package dev.goldsmith.security.web;

import dev.goldsmith.api.TokenIssued;
import dev.goldsmith.api.TokenRequest;
import dev.goldsmith.audit.AuditTrail;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.FieldViolation;
import dev.goldsmith.security.Caller;
import dev.goldsmith.security.Role;
import dev.goldsmith.security.TokenService;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class TokenController {

    private static final Pattern TEAM = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");
    private static final Pattern DESCRIPTION = Pattern.compile("[\\p{L}\\p{N} ._:/@()+-]{0,200}");

    private final TokenService tokens;
    private final AuditTrail audit;

    TokenController(TokenService tokens, AuditTrail audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    @PostMapping("/api/v1/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    TokenIssued issue(@RequestBody TokenRequest request) {
        List<FieldViolation> violations = new ArrayList<>();
        if (request.team() == null || !TEAM.matcher(request.team()).matches()) {
            violations.add(new FieldViolation("team", "must be 1-64 lowercase letters, digits and dashes"));
        } else if (request.team().equals(Caller.FARM_TEAM) && (request.roles() == null
                || !request.roles().equals(java.util.List.of(Role.WORKER.wireName())))) {
            // The farm's team owns the reference media; a person in it would own them too.
            violations.add(new FieldViolation("team", "'" + Caller.FARM_TEAM + "' is the farm's own team: it holds "
                    + "worker tokens only"));
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (request.roles() == null || request.roles().isEmpty()) {
            violations.add(new FieldViolation("roles", "must name at least one of reader, builder, promoter, admin, worker"));
        } else {
            for (int i = 0; i < request.roles().size(); i++) {
                String role = request.roles().get(i);
                try {
                    roles.add(Role.fromWire(role == null ? "" : role));
                } catch (IllegalArgumentException e) {
                    violations.add(new FieldViolation("roles[" + i + "]",
                            "must be one of reader, builder, promoter, admin, worker"));
                }
            }
        }
        if (roles.contains(Role.WORKER) && roles.size() > 1) {
            violations.add(new FieldViolation("roles", "a worker token carries no other role"));
        }
        if (request.description() != null && !DESCRIPTION.matcher(request.description()).matches()) {
            violations.add(new FieldViolation("description", "must be at most 200 letters, digits, spaces and ._:/@()+-"));
        }
        if (!violations.isEmpty()) {
            throw ApiException.invalid(violations);
        }
        // Workers belong to the farm, not to a team.
        String team = roles.contains(Role.WORKER) ? Caller.FARM_TEAM : request.team();
        TokenIssued issued = tokens.issue(team, roles, request.description());
        Caller caller = Caller.current();
        audit.record(caller.actor(), caller.team(), "token.issue", "token:" + issued.id(), "team=" + team + " roles=" + issued.roles());
        return issued;
    }

    @PostMapping("/api/v1/tokens/{id}/revoke")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    void revoke(@PathVariable UUID id) {
        String team = tokens.revoke(id).orElseThrow(() -> ApiException.notFound("There is no token " + id + "."));
        Caller caller = Caller.current();
        audit.record(caller.actor(), caller.team(), "token.revoke", "token:" + id, "team=" + team);
    }
}
