package dev.goldsmith.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The team {@code farm} owns the reference media: it holds worker tokens (and the bootstrap admin) only. */
class FarmTeamTest extends ServiceTest {

    @Test
    void noHumanTokenIsIssuedInTheFarmsTeam() {
        for (String role : List.of("reader", "builder", "promoter", "admin")) {
            Api.Response refused = admin().post("/api/v1/tokens", Map.of("team", "farm", "roles", List.of(role)));

            assertThat(refused.status()).as(role + ": " + refused).isEqualTo(422);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("team");
        }
    }

    @Test
    void workerTokensStillBelongToTheFarm() {
        Api.Response issued = admin().post("/api/v1/tokens", Map.of("team", "farm", "roles", List.of("worker")));

        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        assertThat(issued.json().get("team").asString()).isEqualTo("farm");
    }
}
