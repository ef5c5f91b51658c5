package dev.goldsmith.registry;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldsmith.api.BuildRequest;
import dev.goldsmith.api.BuildView;
import dev.goldsmith.api.ChannelRef;
import dev.goldsmith.api.ChannelView;
import dev.goldsmith.api.ImageArtifact;
import dev.goldsmith.api.ImagePage;
import dev.goldsmith.api.ImageSummary;
import dev.goldsmith.api.ImageView;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Downloads;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import tools.jackson.databind.JsonNode;

/** Image versions, their downloads, channels, the registry answer Terraform reads, revocation and team scoping. */
class RegistryTest extends ServiceTest {

    @Test
    void succeededBuildBecomesAnImmutableImageVersionWithItsFiles() {
        String team = aTeam();
        String image = anImage(builder(team), aBuildRequest().withFormats("qcow2", "vmdk").build());
        Api reader = as(team, "reader");

        ImageView view = reader.get("/api/v1/images/" + image).as(ImageView.class);
        BuildView build = reader.get("/api/v1/builds/" + view.buildId()).as(BuildView.class);
        ImagePage list = reader.get("/api/v1/images?distro=debian&profile=server").as(ImagePage.class);

        assertThat(build.status()).isEqualTo("SUCCEEDED");
        assertThat(build.imageName()).isEqualTo(image);
        assertThat(view.team()).isEqualTo(team);
        assertThat(view.distro()).isEqualTo("debian");
        assertThat(view.profile()).isEqualTo("server");
        assertThat(view.installer()).isEqualTo("reference-tiny");
        assertThat(view.source()).isEqualTo(build.source());
        assertThat(view.revoked()).isFalse();
        assertThat(view.shared()).isFalse();
        assertThat(view.artifacts()).extracting(ImageArtifact::format).containsExactly("qcow2", "vmdk");
        assertThat(view.artifacts()).extracting(ImageArtifact::sha256)
                .containsExactlyElementsOf(build.artifacts().stream().map(a -> a.sha256()).toList());
        assertThat(view.artifacts().getFirst().url())
                .isEqualTo("http://127.0.0.1:" + port + "/api/v1/images/" + image + "/artifacts/qcow2");
        assertThat(view.provenanceUrl())
                .isEqualTo("http://127.0.0.1:" + port + "/api/v1/images/" + image + "/provenance");
        assertThat(list.items()).extracting(ImageSummary::name).contains(image);
        assertThatThrownBy(() -> jdbc.sql("update images set distro = 'ubuntu' where name = ?").param(image).update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("immutable");
    }

    @Test
    void artifactUrlRedirectsToADownloadOfTheRecordedBytes() {
        String team = aTeam();
        String image = anImage(builder(team), aBuildRequest().build());
        Api reader = as(team, "reader");
        ImageArtifact qcow2 = reader.get("/api/v1/images/" + image).as(ImageView.class).artifacts().getFirst();
        String path = "/api/v1/images/" + image + "/artifacts/qcow2";

        Api.Response redirect = reader.get(path);
        Downloads.Download download = Downloads.get(redirect.location());
        Api.Response withExtraQuery = reader.get(path + "?source=terraform");
        Api.Response checksum = reader.get(path + "/sha256");

        assertThat(redirect.status()).isEqualTo(302);
        assertThat(download.status()).isEqualTo(200);
        assertThat(ImageFiles.sha256(download.body())).isEqualTo(qcow2.sha256());
        assertThat(download.body()).isEqualTo(ImageFiles.aTinyImage(image + ".qcow2"));
        assertThat(download.body()).hasSize((int) qcow2.size());
        assertThat(withExtraQuery.status()).isEqualTo(302);
        assertThat(checksum.body()).isEqualTo(qcow2.sha256() + "  " + image + ".qcow2\n");
        assertThat(reader.get("/api/v1/images/" + image + "/artifacts/vhd").status()).isEqualTo(404);
    }

    @Test
    void registryAnswersWhatTheChannelPointsAtInTerraformsShape() {
        String team = aTeam();
        String image = anImage(builder(team), aBuildRequest().withFormats("qcow2", "raw").build());
        Api promoter = as(team, "promoter");

        Api.Response promoted = promoter.put("/api/v1/channels/production/debian/server", Map.of("image", image));
        JsonNode entry = as(team, "reader").get("/api/v1/registry/debian/server/production").json();
        ImageView view = promoter.get("/api/v1/images/" + image).as(ImageView.class);

        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        assertThat(promoted.as(ChannelView.class).image()).isEqualTo(image);
        assertThat(entry.get("distro").asString()).isEqualTo("debian");
        assertThat(entry.get("profile").asString()).isEqualTo("server");
        assertThat(entry.get("channel").asString()).isEqualTo("production");
        assertThat(entry.get("version").asString()).isEqualTo(image);
        assertThat(entry.get("name").asString()).isEqualTo(image);
        assertThat(entry.get("buildId").asString()).isEqualTo(view.buildId().toString());
        assertThat(entry.get("createdAt").asString()).isNotBlank();
        assertThat(entry.get("provenanceUrl").asString()).isEqualTo(view.provenanceUrl());
        assertThat(entry.get("artifacts").propertyNames()).containsExactly("qcow2", "raw");
        JsonNode qcow2 = entry.get("artifacts").get("qcow2");
        assertThat(qcow2.get("url").asString())
                .startsWith("http://127.0.0.1:" + port + "/api/v1/downloads/").endsWith("/" + image + ".qcow2");
        assertThat(qcow2.get("sha256").asString()).isEqualTo(view.artifacts().getFirst().sha256());
        assertThat(qcow2.get("size").asLong()).isEqualTo(view.artifacts().getFirst().size());
        assertThat(entry.get("versionUrl").asString())
                .isEqualTo("http://127.0.0.1:" + port + "/api/v1/registry/versions/" + image);
        assertThat(view.channels()).containsExactly(new ChannelRef(team, "production"));
    }

    @Test
    void registryUrlsUseTheAddressTheClientReachedThroughAProxy() {
        String team = aTeam();
        String image = anImage(builder(team), aBuildRequest().build());
        as(team, "promoter").put("/api/v1/channels/production/debian/server", Map.of("image", image));

        JsonNode entry = as(team, "reader").getWithHeader("/api/v1/registry/debian/server/production", "Forwarded",
                "proto=https;host=images.example.com").json();

        assertThat(entry.get("artifacts").get("qcow2").get("url").asString())
                .startsWith("https://images.example.com/api/v1/downloads/").endsWith("/" + image + ".qcow2");
        assertThat(entry.get("provenanceUrl").asString())
                .isEqualTo("https://images.example.com/api/v1/images/" + image + "/provenance");
    }

    @Test
    void channelThatPointsAtNothingIsNotFound() {
        Api.Response response = as(aTeam(), "reader").get("/api/v1/registry/debian/server/production");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.isProblem()).isTrue();
    }

    @Test
    void onlyAVisibleUnrevokedImageOfTheChannelsDistroAndProfileCanBePromoted() {
        String team = aTeam();
        String image = anImage(builder(team), aBuildRequest().build());
        Api promoter = as(team, "promoter");

        Api.Response otherProfile = promoter.put("/api/v1/channels/staging/debian/core", Map.of("image", image));
        Api.Response unknown = promoter.put("/api/v1/channels/staging/debian/server",
                Map.of("image", "golden-debian-server-v20261126-0000000"));
        Api.Response badChannel = promoter.put("/api/v1/channels/Staging/debian/server", Map.of("image", image));
        revoke(promoter, image, "kernel regression");
        Api.Response revoked = promoter.put("/api/v1/channels/staging/debian/server", Map.of("image", image));

        assertThat(otherProfile.status()).as(otherProfile.toString()).isEqualTo(409);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(badChannel.status()).isEqualTo(422);
        assertThat(badChannel.json().get("errors").get(0).get("field").asString()).isEqualTo("channel");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(409);
        assertThat(revoked.isProblem()).isTrue();
        assertThat(promoter.get("/api/v1/registry/debian/server/staging").status()).isEqualTo(404);
    }

    @Test
    void revokingMovesTheChannelBackToTheLastGoodVersionUntilNoneIsLeft() {
        String team = aTeam();
        Api builder = builder(team);
        String first = anImage(builder, aBuildRequest().build());
        String second = anImage(builder, aBuildRequest().build());
        String third = anImage(builder, aBuildRequest().build());
        Api promoter = as(team, "promoter");
        Api reader = as(team, "reader");
        for (String image : List.of(first, second, third)) {
            promoter.put("/api/v1/channels/production/debian/server", Map.of("image", image));
        }
        promoter.put("/api/v1/channels/staging/debian/server", Map.of("image", third));

        Api.Response revokedThird = revoke(promoter, third, "CVE-2026-0001 in the kernel");
        String afterThird = registryVersion(reader, "production");
        String stagingAfterThird = registryVersion(reader, "staging");
        revoke(promoter, second, "bad sshd config");
        String afterSecond = registryVersion(reader, "production");
        revoke(promoter, first, "everything old is bad");

        assertThat(revokedThird.status()).as(revokedThird.toString()).isEqualTo(200);
        ImageView third3 = revokedThird.as(ImageView.class);
        assertThat(third3.revoked()).isTrue();
        assertThat(third3.revokeReason()).isEqualTo("CVE-2026-0001 in the kernel");
        assertThat(third3.revokedBy()).startsWith("token:");
        assertThat(third3.channels()).isEmpty();
        assertThat(afterThird).isEqualTo(second);
        assertThat(stagingAfterThird).as("staging never had another version").isNull();
        assertThat(afterSecond).isEqualTo(first);
        assertThat(reader.get("/api/v1/registry/debian/server/production").status()).isEqualTo(404);
        assertThat(jdbc.sql("""
                        select action from channel_assignments
                         where team = ? and channel = 'production' order by id
                        """).param(team).query(String.class).list())
                .containsExactly("PROMOTE", "PROMOTE", "PROMOTE", "ROLLBACK", "ROLLBACK", "CLEAR");
        assertThat(jdbc.sql("select action from audit_log where target like ? order by id")
                .param("channel:" + team + "/%").query(String.class).list())
                .contains("channel.promote", "channel.rollback", "channel.clear");
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'image.revoke' and target = ?")
                .param("image:" + third).query(Long.class).single()).isEqualTo(1);
        assertThat(reader.get("/api/v1/images/" + third).as(ImageView.class).revoked()).isTrue();
    }

    @Test
    void revokingTwiceKeepsTheFirstReasonAndAReasonIsRequired() {
        String team = aTeam();
        String image = anImage(builder(team), aBuildRequest().build());
        Api promoter = as(team, "promoter");

        Api.Response noReason = promoter.post("/api/v1/images/" + image + "/revoke", Map.of());
        revoke(promoter, image, "first reason");
        Api.Response again = revoke(promoter, image, "second reason");

        assertThat(noReason.status()).isEqualTo(422);
        assertThat(noReason.json().get("errors").get(0).get("field").asString()).isEqualTo("reason");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.as(ImageView.class).revokeReason()).isEqualTo("first reason");
    }

    @Test
    void buildThatNamesAChannelIsPromotedWhenItSucceeds() {
        String team = aTeam();

        String image = anImage(builder(team), aBuildRequest().withChannel("nightly").build());

        assertThat(registryVersion(as(team, "reader"), "nightly")).isEqualTo(image);
        UUID build = as(team, "reader").get("/api/v1/images/" + image).as(ImageView.class).buildId();
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'channel.promote' and actor = ?")
                .param("build:" + build).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void revokedImageIsNoCacheHitForTheSameInputs() {
        String team = aTeam();
        Api builder = builder(team);
        BuildRequest request = aBuildRequest().build();
        String image = anImage(builder, request);

        Api.Response beforeRevoke = builder.post("/api/v1/builds", request);
        revoke(as(team, "promoter"), image, "tainted mirror");
        Api.Response afterRevoke = builder.post("/api/v1/builds", request);

        assertThat(beforeRevoke.status()).isEqualTo(200);
        assertThat(beforeRevoke.json().get("cached").asBoolean()).isTrue();
        assertThat(afterRevoke.status()).as(afterRevoke.toString()).isEqualTo(202);
        assertThat(afterRevoke.json().get("cached").asBoolean()).isFalse();
    }

    @Test
    void anotherTeamSeesAnImageOnlyOnceItIsSharedAndNeverChangesIt() {
        String owner = aTeam();
        String other = aTeam();
        String image = anImage(builder(owner), aBuildRequest().build());
        Api otherReader = as(other, "reader");
        Api otherPromoter = as(other, "promoter");
        String path = "/api/v1/images/" + image;

        assertThat(otherReader.get(path).status()).isEqualTo(404);
        assertThat(otherReader.get(path + "/provenance").status()).isEqualTo(404);
        assertThat(otherReader.get(path + "/artifacts/qcow2").status()).isEqualTo(404);
        assertThat(otherReader.get("/api/v1/images?limit=200").as(ImagePage.class).items())
                .extracting(ImageSummary::name).doesNotContain(image);
        assertThat(otherPromoter.put("/api/v1/channels/production/debian/server", Map.of("image", image)).status())
                .isEqualTo(404);
        assertThat(admin().get(path).status()).isEqualTo(200);

        Api.Response shared = as(owner, "promoter").put(path + "/shared", Map.of("shared", true));

        assertThat(shared.status()).as(shared.toString()).isEqualTo(200);
        assertThat(shared.as(ImageView.class).shared()).isTrue();
        assertThat(otherReader.get(path).status()).isEqualTo(200);
        assertThat(otherReader.get(path + "/artifacts/qcow2").status()).isEqualTo(302);
        assertThat(otherReader.get("/api/v1/images?limit=200").as(ImagePage.class).items())
                .extracting(ImageSummary::name).contains(image);
        assertThat(revoke(otherPromoter, image, "not yours").status()).isEqualTo(403);
        assertThat(otherPromoter.put(path + "/shared", Map.of("shared", false)).status()).isEqualTo(403);
        assertThat(otherPromoter.put("/api/v1/channels/production/debian/server", Map.of("image", image)).status())
                .isEqualTo(200);
        assertThat(registryVersion(otherReader, "production")).isEqualTo(image);
        assertThat(as(owner, "reader").get("/api/v1/registry/debian/server/production").status())
                .as("channels belong to a team").isEqualTo(404);

        as(owner, "promoter").put(path + "/shared", Map.of("shared", false));

        assertThat(registryVersion(otherReader, "production")).as("a team keeps what its channel points at")
                .isEqualTo(image);
        assertThat(otherReader.get(path + "/artifacts/qcow2").status()).isEqualTo(302);
    }

    @Test
    void onlyAdminNamesAnotherTeamsChannel() {
        String team = aTeam();
        String image = anImage(builder(team), aBuildRequest().build());
        as(team, "promoter").put("/api/v1/channels/production/debian/server", Map.of("image", image));

        Api.Response byAdmin = admin().get("/api/v1/registry/debian/server/production?team=" + team);
        Api.Response byOtherTeam = as(aTeam(), "reader").get("/api/v1/registry/debian/server/production?team=" + team);
        Api.Response promotedByAdmin = admin().put("/api/v1/channels/staging/debian/server?team=" + team,
                Map.of("image", image));

        assertThat(byAdmin.status()).isEqualTo(200);
        assertThat(byAdmin.json().get("version").asString()).isEqualTo(image);
        assertThat(byOtherTeam.status()).isEqualTo(403);
        assertThat(promotedByAdmin.as(ChannelView.class).team()).isEqualTo(team);
        assertThat(registryVersion(as(team, "reader"), "staging")).isEqualTo(image);
    }

    private static Api.Response revoke(Api api, String image, String reason) {
        return api.post("/api/v1/images/" + image + "/revoke", Map.of("reason", reason));
    }

    /** The version the team's debian/server channel points at, or null when it points at nothing. */
    private static String registryVersion(Api api, String channel) {
        Api.Response response = api.get("/api/v1/registry/debian/server/" + channel);
        if (response.status() == 404) {
            return null;
        }
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().get("version").asString();
    }

    /** A team no other test uses, so channels start empty. */
    private static String aTeam() {
        return "team-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
