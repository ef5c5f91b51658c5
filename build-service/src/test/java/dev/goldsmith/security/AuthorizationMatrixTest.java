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

/** Every endpoint × every role (and no token): allowed where the design says, 401/403 problem+json elsewhere. */
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
