package dev.goldsmith.registry;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.ImageView;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Downloads;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The registry as tools use it that cannot send a token (a libvirt volume's {@code source}): download links,
 * versions pinned by URL, and ETags for pollers.
 */
class RegistryDownloadTest extends ServiceTest {

    @Test
    void fileUrlInARegistryAnswerDownloadsWithoutATokenAndHeadTellsItsSize() {
        String team = aTeam();
        String image = promotedImage(team, "production");
        JsonNode qcow2 = as(team, "reader").get("/api/v1/registry/debian/server/production").json()
                .get("artifacts").get("qcow2");
        String path = pathOf(qcow2.get("url").asString());

        Api.Response head = anonymous().head(path);
        Api.Response redirect = anonymous().get(path);
        Downloads.Download download = Downloads.get(redirect.location());

        assertThat(path).startsWith("/api/v1/downloads/").endsWith("/" + image + ".qcow2");
        assertThat(head.status()).as(head.toString()).isEqualTo(200);
        assertThat(head.header("Content-Length")).contains(qcow2.get("size").asString());
        assertThat(head.header("ETag")).contains("\"" + qcow2.get("sha256").asString() + "\"");
        assertThat(head.header("Last-Modified")).isPresent();
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(download.status()).isEqualTo(200);
        assertThat(ImageFiles.sha256(download.body())).isEqualTo(qcow2.get("sha256").asString());
        assertThat(as(team, "reader").get("/api/v1/registry/debian/server/production").json()
                .get("artifacts").get("qcow2").get("url").asString())
                .as("the same link on every read, so Terraform state does not change").isEqualTo(qcow2.get("url").asString());
    }

    @Test
    void downloadLinkTheFarmDidNotMakeIsNotFound() {
        String team = aTeam();
        String image = promotedImage(team, "production");
        String path = pathOf(as(team, "reader").get("/api/v1/registry/debian/server/production").json()
                .get("artifacts").get("qcow2").get("url").asString());
        String capability = path.split("/")[4];
        String forged = capability.substring(0, 10) + (capability.charAt(10) == 'A' ? 'B' : 'A')
                + capability.substring(11);

        Api.Response wrongCapability = anonymous().get("/api/v1/downloads/" + forged + "/" + image + ".qcow2");
        Api.Response otherFile = anonymous().get("/api/v1/downloads/" + capability + "/" + image + ".raw");
        Api.Response notBase64 = anonymous().get("/api/v1/downloads/not*base64/" + image + ".qcow2");
        Api.Response noExtension = anonymous().head("/api/v1/downloads/" + capability + "/" + image);

        for (Api.Response refused : new Api.Response[] {wrongCapability, otherFile, notBase64}) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(404);
            assertThat(refused.isProblem()).isTrue();
        }
        assertThat(noExtension.status()).isEqualTo(404);
    }

    @Test
    void revokedVersionsLinksAndPinnedUrlAnswerGoneWithTheReason() {
        String team = aTeam();
        String image = promotedImage(team, "production");
        Api reader = as(team, "reader");
        JsonNode entry = reader.get("/api/v1/registry/debian/server/production").json();
        String link = pathOf(entry.get("artifacts").get("qcow2").get("url").asString());
        String pinned = pathOf(entry.get("versionUrl").asString());
        Api.Response beforeRevoke = reader.get(pinned);

        as(team, "promoter").post("/api/v1/images/" + image + "/revoke", Map.of("reason", "CVE-2026-0002"));
        Api.Response linkAfter = anonymous().get(link);
        Api.Response headAfter = anonymous().head(link);
        Api.Response pinnedAfter = reader.get(pinned);

        assertThat(pinned).isEqualTo("/api/v1/registry/versions/" + image);
        assertThat(beforeRevoke.status()).isEqualTo(200);
        assertThat(beforeRevoke.json().get("version").asString()).isEqualTo(image);
        assertThat(beforeRevoke.json().get("channel").isNull()).isTrue();
        assertThat(beforeRevoke.json().get("artifacts").get("qcow2").get("url").asString())
                .isEqualTo(entry.get("artifacts").get("qcow2").get("url").asString());
        assertThat(linkAfter.status()).isEqualTo(410);
        assertThat(linkAfter.isProblem()).isTrue();
        assertThat(linkAfter.json().get("reason").asString()).isEqualTo("CVE-2026-0002");
        assertThat(headAfter.status()).isEqualTo(410);
        assertThat(pinnedAfter.status()).isEqualTo(410);
        assertThat(pinnedAfter.json().get("detail").asString()).contains("CVE-2026-0002");
        assertThat(reader.get("/api/v1/images/" + image).as(ImageView.class).revoked())
                .as("the version itself stays readable as evidence").isTrue();
    }

    @Test
    void pinnedVersionOfAnotherTeamIsNotFound() {
        String image = promotedImage(aTeam(), "production");

        Api.Response stranger = as(aTeam(), "reader").get("/api/v1/registry/versions/" + image);

        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.isProblem()).isTrue();
    }

    @Test
    void registryAnswerCarriesAnEtagAndIsNotSentAgainUntilTheChannelMoves() {
        String team = aTeam();
        promotedImage(team, "production");
        Api reader = as(team, "reader");
        String path = "/api/v1/registry/debian/server/production";

        Api.Response first = reader.get(path);
        String etag = first.header("ETag").orElseThrow();
        Api.Response unchanged = reader.getWithHeader(path, "If-None-Match", etag);
        String newer = anImage(builder(team), aBuildRequest().build());
        as(team, "promoter").put("/api/v1/channels/production/debian/server", Map.of("image", newer));
        Api.Response moved = reader.getWithHeader(path, "If-None-Match", etag);

        assertThat(first.header("Cache-Control").orElseThrow()).contains("no-cache").contains("private");
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.json().get("version").asString()).isEqualTo(newer);
        assertThat(moved.header("ETag").orElseThrow()).isNotEqualTo(etag);
    }

    @Test
    void imageVersionAnswersNotModifiedToItsOwnEtag() {
        String team = aTeam();
        String image = anImage(builder(team), aBuildRequest().build());
        Api reader = as(team, "reader");

        String etag = reader.get("/api/v1/images/" + image).header("ETag").orElseThrow();

        assertThat(reader.getWithHeader("/api/v1/images/" + image, "If-None-Match", etag).status()).isEqualTo(304);
    }

    private String promotedImage(String team, String channel) {
        String image = anImage(builder(team), aBuildRequest().withFormats("qcow2", "raw").build());
        Api.Response promoted = as(team, "promoter").put("/api/v1/channels/" + channel + "/debian/server",
                Map.of("image", image));
        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        return image;
    }

    private static String pathOf(String url) {
        return url.substring(url.indexOf("/api/"));
    }

    private static String aTeam() {
        return "team-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
