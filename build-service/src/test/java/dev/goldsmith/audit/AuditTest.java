package dev.goldsmith.audit;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.AuditEntry;
import dev.goldsmith.api.AuditPage;
import dev.goldsmith.api.TokenIssued;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every change the design audits leaves an entry that admins, and only admins, can read. */
class AuditTest extends ServiceTest {

    private String aTeam() {
        return "audit-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private List<AuditEntry> entries(String query) {
        Api.Response response = admin().get("/api/v1/audit" + query);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.as(AuditPage.class).items();
    }

    private AuditEntry entryFor(String action, String target) {
        return entries("?action=" + action + "&limit=200").stream()
                .filter(entry -> entry.target().equals(target))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " entry for " + target));
    }

    @Test
    void issuingAndRevokingATokenAreAuditedAndTheTokenStopsWorkingAtOnce() {
        String team = aTeam();
        Api.Response issued = admin().post("/api/v1/tokens", Map.of("team", team, "roles", List.of("reader")));
        TokenIssued token = issued.as(TokenIssued.class);
        Api reader = Api.at(port, token.token());
        assertThat(reader.get("/api/v1/builds").status()).isEqualTo(200);

        Api.Response revoked = admin().post("/api/v1/tokens/" + token.id() + "/revoke", null);

        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(204);
        Api.Response afterwards = reader.get("/api/v1/builds");
        assertThat(afterwards.status()).isEqualTo(401);
        assertThat(afterwards.isProblem()).isTrue();
        assertThat(entryFor("token.issue", "token:" + token.id()).detail()).contains("team=" + team);
        AuditEntry revocation = entryFor("token.revoke", "token:" + token.id());
        assertThat(revocation.actor()).startsWith("token:");
        assertThat(revocation.team()).isEqualTo("farm");
        assertThat(revocation.detail()).isEqualTo("team=" + team);
        assertThat(revocation.at()).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES));
    }

    @Test
    void revokingAnUnknownTokenIsNotFound() {
        Api.Response response = admin().post("/api/v1/tokens/" + UUID.randomUUID() + "/revoke", null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.isProblem()).isTrue();
    }

    @Test
    void cancellationPromotionAndImageRevocationAreAudited() {
        String team = aTeam();
        Api builder = builder(team);
        Api promoter = as(team, "promoter");
        UUID build = submit(builder, aBuildRequest().build());
        builder.post("/api/v1/builds/" + build + "/cancel", null);
        String image = anImage(builder, aBuildRequest().build());
        promoter.put("/api/v1/channels/production/debian/server", Map.of("image", image));
        promoter.post("/api/v1/images/" + image + "/revoke", Map.of("reason", "kernel regression"));

        assertThat(entryFor("build.cancel", "build:" + build).team()).isEqualTo(team);
        assertThat(entryFor("channel.promote", "channel:" + team + "/production/debian/server").detail())
                .contains(image);
        assertThat(entryFor("image.revoke", "image:" + image).detail()).isEqualTo("kernel regression");
        assertThat(entries("?action=image.revoke")).allMatch(entry -> entry.action().equals("image.revoke"));
    }

    @Test
    void entriesComeNewestFirstAPageAtATimeSinceAnInstant() {
        Instant start = Instant.now().minusSeconds(1);
        for (int i = 0; i < 5; i++) {
            admin().post("/api/v1/tokens", Map.of("team", aTeam(), "roles", List.of("reader")));
        }
        List<AuditEntry> seen = new ArrayList<>();
        String cursor = null;
        do {
            Api.Response response = admin().get("/api/v1/audit?action=token.issue&limit=2&since=" + start
                    + (cursor == null ? "" : "&cursor=" + cursor));
            AuditPage page = response.as(AuditPage.class);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
            seen.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);

        assertThat(seen).hasSizeGreaterThanOrEqualTo(5);
        assertThat(seen).extracting(AuditEntry::id).isSortedAccordingTo((a, b) -> Long.compare(b, a))
                .doesNotHaveDuplicates();
        assertThat(seen).allMatch(entry -> !entry.at().isBefore(start));
    }

    @Test
    void onlyAdminsReadTheAuditLog() {
        String team = aTeam();
        for (String role : List.of("reader", "builder", "promoter")) {
            Api.Response response = as(team, role).get("/api/v1/audit");
            assertThat(response.status()).as(role).isEqualTo(403);
            assertThat(response.isProblem()).isTrue();
        }
        assertThat(aWorker("tcg").api().get("/api/v1/audit").status()).isEqualTo(403);
        assertThat(anonymous().get("/api/v1/audit").status()).isEqualTo(401);
    }

    @Test
    void badQueryParametersAreProblems() {
        for (String query : List.of("?limit=0", "?limit=201", "?limit=x", "?since=yesterday", "?cursor=%25%25%25",
                "?cursor=bm9wZQ", "?action=DROP%20TABLE")) {
            Api.Response response = admin().get("/api/v1/audit" + query);
            assertThat(response.status()).as(query).isEqualTo(422);
            assertThat(response.isProblem()).as(query).isTrue();
        }
    }
}
