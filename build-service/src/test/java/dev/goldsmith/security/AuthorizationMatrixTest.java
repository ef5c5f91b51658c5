package dev.goldsmith.security;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint × every role (and no token): allowed where the design says, 401/403 problem+json elsewhere; and
 * every team-owned resource × role × own or other team: another team's caller learns nothing (404) unless it is
 * admin, and is refused (403) when it names the other team.
 */
class AuthorizationMatrixTest extends ServiceTest {

    private static final Set<String> HUMANS = Set.of("reader", "builder", "promoter", "admin");

    private record Endpoint(String method, String path, Set<String> allowed) {
    }

    @Test
    void everyEndpointAllowsExactlyTheRolesOfTheDesign() {
        String image = anImage(builder("matrix"), aBuildRequest().build());
        UUID build = submit(builder("matrix"), aBuildRequest().build());
        Map<String, Api> callers = new LinkedHashMap<>();
        callers.put("none", anonymous());
        callers.put("bogus", Api.at(port, "not-a-real-token"));
        for (String role : List.of("reader", "builder", "promoter", "admin")) {
            callers.put(role, as("matrix", role));
        }
        Worker worker = aWorker("tcg");
        callers.put("worker", worker.api());
        UUID lease = UUID.randomUUID();

        List<Endpoint> endpoints = List.of(
                new Endpoint("POST", "/api/v1/builds", Set.of("builder", "admin")),
                new Endpoint("GET", "/api/v1/builds", HUMANS),
                new Endpoint("GET", "/api/v1/builds/" + build, HUMANS),
                new Endpoint("POST", "/api/v1/builds/" + build + "/cancel", Set.of("builder", "admin")),
                new Endpoint("GET", "/api/v1/builds/" + build + "/logs", HUMANS),
                new Endpoint("GET", "/api/v1/builds/" + build + "/tests", HUMANS),
                new Endpoint("GET", "/api/v1/images", HUMANS),
                new Endpoint("GET", "/api/v1/images/" + image, HUMANS),
                new Endpoint("GET", "/api/v1/images/" + image + "/provenance", HUMANS),
                new Endpoint("GET", "/api/v1/images/" + image + "/artifacts/qcow2", HUMANS),
                new Endpoint("GET", "/api/v1/images/" + image + "/artifacts/qcow2/sha256", HUMANS),
                // The bodies are empty: allowed callers get 422, so nothing is revoked, shared or promoted.
                new Endpoint("POST", "/api/v1/images/" + image + "/revoke", Set.of("promoter", "admin")),
                new Endpoint("PUT", "/api/v1/images/" + image + "/shared", Set.of("promoter", "admin")),
                new Endpoint("PUT", "/api/v1/channels/production/debian/server", Set.of("promoter", "admin")),
                new Endpoint("GET", "/api/v1/registry/debian/server/production", HUMANS),
                new Endpoint("GET", "/api/v1/registry/versions/" + image, HUMANS),
                // A download link is its own authorisation: no token needed (a forged link: 404). An unknown token
                // is refused here as everywhere.
                new Endpoint("GET", "/api/v1/downloads/bm90LWEtbGluaw/" + image + ".qcow2",
                        Set.of("none", "reader", "builder", "promoter", "admin", "worker")),
                // Empty bodies: allowed callers get 422; an unknown name: 404. Nothing is registered or deleted.
                new Endpoint("POST", "/api/v1/installers", Set.of("builder", "admin")),
                new Endpoint("GET", "/api/v1/installers", HUMANS),
                new Endpoint("GET", "/api/v1/installers/reference-tiny", HUMANS),
                new Endpoint("POST", "/api/v1/installers/matrix-medium/complete", Set.of("builder", "admin")),
                new Endpoint("DELETE", "/api/v1/installers/matrix-medium", Set.of("builder", "admin")),
                // No recipe of that name: an admin gets 404 and nothing is refreshed.
                new Endpoint("POST", "/api/v1/installers/matrix-medium/refresh", Set.of("admin")),
                new Endpoint("GET", "/api/v1/installers/reference-tiny/refreshes", HUMANS),
                new Endpoint("GET", "/api/v1/installers/reference-tiny/refreshes/" + UUID.randomUUID(), HUMANS),
                // An unknown darksite: allowed callers get 404.
                new Endpoint("GET", "/api/v1/darksites/sha256:" + "0".repeat(64), HUMANS),
                new Endpoint("GET", "/api/v1/provenance/public-key",
                        Set.of("none", "reader", "builder", "promoter", "admin", "worker")),
                new Endpoint("POST", "/api/v1/tokens", Set.of("admin")),
                // An unknown token: allowed callers get 404, so nothing is revoked.
                new Endpoint("POST", "/api/v1/tokens/" + UUID.randomUUID() + "/revoke", Set.of("admin")),
                new Endpoint("GET", "/api/v1/audit", Set.of("admin")),
                new Endpoint("POST", "/api/v1/workers", Set.of("worker")),
                new Endpoint("POST", "/api/v1/workers/" + worker.id() + "/claim?wait=PT0S", Set.of("worker")),
                new Endpoint("POST", "/api/v1/leases/" + lease + "/heartbeat", Set.of("worker")),
                new Endpoint("POST", "/api/v1/leases/" + lease + "/stages/INSTALL", Set.of("worker")),
                new Endpoint("POST", "/api/v1/leases/" + lease + "/logs", Set.of("worker")),
                new Endpoint("POST", "/api/v1/leases/" + lease + "/artifacts", Set.of("worker")),
                new Endpoint("POST", "/api/v1/leases/" + lease + "/artifacts/qcow2/complete", Set.of("worker")),
                new Endpoint("POST", "/api/v1/leases/" + lease + "/complete", Set.of("worker")),
                new Endpoint("GET", "/api/v1/openapi.yaml", Set.of("none", "reader", "builder", "promoter", "admin", "worker")),
                new Endpoint("GET", "/actuator/health", Set.of("none", "reader", "builder", "promoter", "admin", "worker")),
                new Endpoint("GET", "/actuator/prometheus", Set.of("admin")));

        List<String> wrong = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            for (var caller : callers.entrySet()) {
                Api.Response response = caller.getValue().method(endpoint.method(), endpoint.path());
                boolean denied = response.status() == 401 || response.status() == 403;
                boolean shouldAllow = endpoint.allowed().contains(caller.getKey());
                if (denied == shouldAllow || denied && !response.isProblem()) {
                    wrong.add(endpoint.method() + " " + endpoint.path() + " as " + caller.getKey() + " -> " + response);
                }
                if (caller.getKey().equals("none") || caller.getKey().equals("bogus")) {
                    if (!shouldAllow && response.status() != 401) {
                        wrong.add(endpoint.method() + " " + endpoint.path() + " as " + caller.getKey()
                                + " should be 401 -> " + response.status());
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** What a caller meets: let through (any answer but 401/403/404), refused (401/403), or told nothing is there (404). */
    private enum Outcome { OK, DENIED, HIDDEN }

    /** Who may do what to a resource of team "owner", given the caller's role and whether it is of that team. */
    private interface Policy {
        Outcome of(String role, boolean ownTeam);
    }

    private static final Policy TEAM_READ = (role, own) -> own || role.equals("admin") ? Outcome.OK : Outcome.HIDDEN;

    private static Policy teamAction(String... roles) {
        Set<String> allowed = Set.of(roles);
        return (role, own) -> !allowed.contains(role) ? Outcome.DENIED : TEAM_READ.of(role, own);
    }

    /** {@code ?team=owner} named explicitly: another team's caller is refused, not misled. */
    private static Policy namedTeam(Set<String> roles) {
        return (role, own) -> !roles.contains(role) ? Outcome.DENIED
                : own || role.equals("admin") ? Outcome.OK : Outcome.DENIED;
    }

    private record Scoped(String method, String path, Policy policy) {
    }

    @Test
    void teamResourcesAnswerTheirTeamAndAdminAndAreHiddenFromOtherTeams() {
        String owner = "owner-" + UUID.randomUUID().toString().substring(0, 8);
        String outsider = "outsider-" + UUID.randomUUID().toString().substring(0, 8);
        String image = anImage(builder(owner), aBuildRequest().build());
        UUID imageBuild = as(owner, "reader").get("/api/v1/images/" + image).json().get("buildId").asString()
                .transform(UUID::fromString);
        assertThat(as(owner, "promoter").put("/api/v1/channels/production/debian/server", Map.of("image", image))
                .status()).isEqualTo(200);
        UUID queued = submit(builder(owner), aBuildRequest().build());
        Map<String, Api> callers = new LinkedHashMap<>();
        for (String role : List.of("reader", "builder", "promoter", "admin")) {
            callers.put(role + "@own", as(owner, role));
            callers.put(role + "@other", as(outsider, role));
        }

        List<Scoped> endpoints = List.of(
                new Scoped("GET", "/api/v1/builds/" + imageBuild, TEAM_READ),
                new Scoped("GET", "/api/v1/builds/" + imageBuild + "/logs", TEAM_READ),
                new Scoped("GET", "/api/v1/builds/" + imageBuild + "/tests", TEAM_READ),
                new Scoped("GET", "/api/v1/builds/" + queued, TEAM_READ),
                new Scoped("GET", "/api/v1/images/" + image, TEAM_READ),
                new Scoped("GET", "/api/v1/images/" + image + "/provenance", TEAM_READ),
                new Scoped("GET", "/api/v1/images/" + image + "/artifacts/qcow2", TEAM_READ),
                new Scoped("GET", "/api/v1/images/" + image + "/artifacts/qcow2/sha256", TEAM_READ),
                new Scoped("GET", "/api/v1/registry/versions/" + image, TEAM_READ),
                new Scoped("GET", "/api/v1/registry/debian/server/production?team=" + owner, namedTeam(HUMANS)),
                // Empty bodies: allowed callers get 422, so nothing is revoked, shared or promoted.
                new Scoped("POST", "/api/v1/images/" + image + "/revoke", teamAction("promoter", "admin")),
                new Scoped("PUT", "/api/v1/images/" + image + "/shared", teamAction("promoter", "admin")),
                new Scoped("PUT", "/api/v1/channels/production/debian/server?team=" + owner,
                        namedTeam(Set.of("promoter", "admin"))),
                // Last: the first allowed caller cancels the queued build, the others then get 409.
                new Scoped("POST", "/api/v1/builds/" + queued + "/cancel", teamAction("builder", "admin")));

        List<String> wrong = new ArrayList<>();
        for (Scoped endpoint : endpoints) {
            for (var caller : callers.entrySet()) {
                String[] who = caller.getKey().split("@");
                Outcome expected = endpoint.policy().of(who[0], who[1].equals("own"));
                Api.Response response = caller.getValue().method(endpoint.method(), endpoint.path());
                Outcome actual = response.status() == 401 || response.status() == 403 ? Outcome.DENIED
                        : response.status() == 404 ? Outcome.HIDDEN : Outcome.OK;
                if (actual != expected || actual != Outcome.OK && !response.isProblem() || response.status() >= 500) {
                    wrong.add(endpoint.method() + " " + endpoint.path() + " as " + caller.getKey() + ": expected "
                            + expected + " -> " + response);
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(as(outsider, "admin").get("/api/v1/builds?limit=200").body()).contains(queued.toString());
        assertThat(as(outsider, "builder").get("/api/v1/builds?limit=200").body()).doesNotContain(queued.toString());
        assertThat(as(owner, "reader").get("/api/v1/builds?limit=200").body()).contains(queued.toString());
        assertThat(as(outsider, "reader").get("/api/v1/images?limit=200").body()).doesNotContain(image);
        assertThat(as(owner, "reader").get("/api/v1/images?limit=200").body()).contains(image);
        assertThat(as(outsider, "reader").get("/api/v1/audit").status()).isEqualTo(403);
    }

    @Test
    void workerTokenCannotBeUsedByASecondWorkerIdentity() {
        Worker worker = aWorker("tcg");
        Worker other = aWorker("tcg");

        assertThat(worker.api().post("/api/v1/workers/" + other.id() + "/claim?wait=PT0S", null).status())
                .isEqualTo(403);
    }

    @Test
    void tokensAreStoredOnlyAsHashes() {
        Api.Response issued = admin().post("/api/v1/tokens", Map.of("team", "alpha", "roles", List.of("reader")));
        String token = issued.json().get("token").asString();

        assertThat(jdbc.sql("select count(*) from tokens where token_hash = ?").param(token).query(Long.class).single())
                .isZero();
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'token.issue'").query(Long.class).single())
                .isPositive();
    }

    @Test
    void tokenRequestIsValidated() {
        Api.Response badRole = admin().post("/api/v1/tokens", Map.of("team", "alpha", "roles", List.of("god")));
        Api.Response badTeam = admin().post("/api/v1/tokens", Map.of("team", "Alpha Team", "roles", List.of("reader")));

        assertThat(badRole.json().get("errors").get(0).get("field").asString()).isEqualTo("roles[0]");
        assertThat(badTeam.json().get("errors").get(0).get("field").asString()).isEqualTo("team");
    }
}
