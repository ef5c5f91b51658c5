package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class HistoryTest extends ServiceTest {

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }

    @Test
    void pagesWalkTheTeamsBuildsNewestFirstWithoutGapsOrRepeats() {
        Api team = builder("history-" + UUID.randomUUID().toString().substring(0, 8));
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            submitted.add(submit(team, aBuildRequest().build()).toString());
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = team.get("/api/v1/builds?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            seen.addAll(ids(page));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(submitted.reversed());
    }

    @Test
    void filtersByStatusDistroProfileLabelAndSince() {
        Api team = builder("filters-" + UUID.randomUUID().toString().substring(0, 8));
        Instant before = Instant.now();
        UUID prod = submit(team, aBuildRequest().withProfile("core").withLabels(Map.of("env", "prod")).build());
        UUID dev = submit(team, aBuildRequest().withDistro("ubuntu").withLabels(Map.of("env", "dev")).build());
        team.post("/api/v1/builds/" + dev + "/cancel", null);

        assertThat(ids(team.get("/api/v1/builds?label=env=prod").json())).containsExactly(prod.toString());
        assertThat(ids(team.get("/api/v1/builds?label=env").json())).containsExactly(dev.toString(), prod.toString());
        assertThat(ids(team.get("/api/v1/builds?status=CANCELLED").json())).containsExactly(dev.toString());
        assertThat(ids(team.get("/api/v1/builds?distro=ubuntu").json())).containsExactly(dev.toString());
        assertThat(ids(team.get("/api/v1/builds?profile=core").json())).containsExactly(prod.toString());
        assertThat(ids(team.get("/api/v1/builds?since=" + before).json())).hasSize(2);
        assertThat(ids(team.get("/api/v1/builds?since=" + Instant.now().plusSeconds(60)).json())).isEmpty();
    }

    @Test
    void badFiltersAreRejectedNamingTheParameter() {
        Api team = builder("alpha");
        for (String query : List.of("status=DONE", "limit=0", "limit=500", "since=yesterday", "cursor=garbage",
                "label=bad%20key", "distro=windows")) {
            Api.Response response = team.get("/api/v1/builds?" + query);
            assertThat(response.status()).as(query).isEqualTo(422);
            assertThat(response.json().get("errors").get(0).get("field").asString())
                    .isEqualTo(query.substring(0, query.indexOf('=')));
        }
    }
}
