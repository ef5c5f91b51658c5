package dev.goldsmith.installers;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.InstallerRegistrations.anInstaller;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.ImageView;
import dev.goldsmith.api.InstallerMedium;
import dev.goldsmith.api.InstallerUpload;
import dev.goldsmith.api.InstallerView;
import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.InstallerRegistrations;
import dev.goldsmith.support.PresignedUploads;
import dev.goldsmith.support.ReferenceMedia;
import dev.goldsmith.support.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The installer registry over HTTP: registration, uploads checked against their digest, listing, deletion, use. */
class InstallerRegistryTest extends ServiceTest {

    private static final String REFERENCE_TINY_SHA256 = ImageFiles.sha256(ReferenceMedia.STAND_IN);

    /** Registers the medium and uploads its bytes the way a client does; returns the completion's reply. */
    private Api.Response registerAndUpload(Api api, InstallerRegistrations installer) {
        Api.Response started = api.post("/api/v1/installers", installer.build());
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        InstallerUpload upload = started.as(InstallerUpload.class);
        var parts = PresignedUploads.put(upload.upload(), installer.content());
        return api.post("/api/v1/installers/" + upload.name() + "/complete", new ArtifactUploadComplete(
                upload.upload().uploadId(), installer.sha256(), installer.content().length, parts));
    }

    private InstallerView registered(Api api, InstallerRegistrations installer) {
        Api.Response done = registerAndUpload(api, installer);
        assertThat(done.status()).as(done.toString()).isEqualTo(201);
        return done.as(InstallerView.class);
    }

    @Test
    void anUploadedMediumIsStoredUnderItsDigestAndItsStoredBytesHashToThatName() throws Exception {
        InstallerRegistrations medium = anInstaller().named("kldload-free-1.4.0").withFormat("iso");

        InstallerView installer = registered(builder("media"), medium);

        assertThat(installer.name()).isEqualTo("kldload-free-1.4.0");
        assertThat(installer.objectKey()).isEqualTo("installers/" + medium.sha256() + ".iso");
        assertThat(installer.size()).isEqualTo(medium.content().length);
        assertThat(installer.team()).isEqualTo("media");
        assertThat(installer.reference()).isFalse();
        byte[] stored = Files.readAllBytes(bucket().resolve(installer.objectKey()));
        assertThat(ImageFiles.sha256(stored)).isEqualTo(installer.sha256()).isEqualTo(medium.sha256());
    }

    @Test
    void anUploadWhoseBytesDoNotHashToTheDeclaredDigestIsDeletedAndNothingIsRegistered() {
        InstallerRegistrations lying = anInstaller().claimingSha256("0".repeat(64));

        Api.Response refused = registerAndUpload(builder("media"), lying);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.json().get("type").asString()).isEqualTo("https://goldsmith.dev/problems/artifact-mismatch");
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("sha256");
        assertThat(bucket().resolve("installers/" + "0".repeat(64) + ".iso")).doesNotExist();
        assertThat(builder("media").get("/api/v1/installers/" + lying.build().name()).status()).isEqualTo(404);
    }

    @Test
    void referenceNamesBelongToTheFarmAndNoTeamMayRegisterOne() {
        Api.Response refused = builder("media").post("/api/v1/installers",
                anInstaller().named("reference-debian-zfs").build());

        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertThat(admin().post("/api/v1/installers", anInstaller().named("reference-next").build()).status())
                .as("not even an admin, whose team is the farm's: reference media come from the farm's recipes")
                .isEqualTo(422);
    }

    @Test
    void aMediumAlreadyInTheBucketIsRegisteredAtOnceUnderAnotherName() {
        InstallerRegistrations first = anInstaller();
        InstallerView original = registered(builder("media"), first);

        Api.Response again = builder("media").post("/api/v1/installers", first.named("same-bytes-" + original.name())
                .withSuccessLine("all done").build());

        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        InstallerView copy = again.as(InstallerView.class);
        assertThat(copy.sha256()).isEqualTo(original.sha256());
        assertThat(copy.objectKey()).isEqualTo(original.objectKey());
        assertThat(copy.successLine()).isEqualTo("all done");
    }

    @Test
    void theReferenceMediumIsRegisteredAtStartUpAndEveryInstallerIsListed() {
        InstallerView mine = registered(builder("media"), anInstaller());

        Api reader = as("someone-else", "reader");
        List<String> names = new ArrayList<>();
        reader.get("/api/v1/installers").json().get("items").forEach(i -> names.add(i.get("name").asString()));
        InstallerView tiny = reader.get("/api/v1/installers/reference-tiny").as(InstallerView.class);

        assertThat(names).contains("reference-tiny", mine.name()).isSorted();
        assertThat(tiny.reference()).isTrue();
        assertThat(tiny.team()).isEqualTo("farm");
        assertThat(tiny.sha256()).isEqualTo(REFERENCE_TINY_SHA256);
        assertThat(tiny.objectKey()).isEqualTo("installers/" + REFERENCE_TINY_SHA256 + ".img");
        assertThat(tiny.successLine()).isEqualTo("Install completed successfully");
        assertThat(tiny.failureLines()).contains("Install failed:");
        assertThat(tiny.defaultSuite()).isEqualTo("tiny");
        assertThat(tiny.bootMode()).isEqualTo("UEFI");
        assertThat(bucket().resolve(tiny.objectKey())).exists();
        assertThat(reader.get("/api/v1/installers/no-such-medium").status()).isEqualTo(404);
    }

    @Test
    void deletingRemovesTheRegistrationAndItsObjectOnceNoOtherRegistrationSharesIt() {
        Api team = builder("media");
        InstallerRegistrations medium = anInstaller();
        InstallerView first = registered(team, medium);
        String second = "second-" + first.name();
        assertThat(team.post("/api/v1/installers", medium.named(second).build()).status()).isEqualTo(201);

        assertThat(team.method("DELETE", "/api/v1/installers/" + first.name()).status()).isEqualTo(204);
        assertThat(team.get("/api/v1/installers/" + first.name()).status()).isEqualTo(404);
        assertThat(bucket().resolve(first.objectKey())).as("still used by " + second).exists();

        assertThat(team.method("DELETE", "/api/v1/installers/" + second).status()).isEqualTo(204);
        assertThat(bucket().resolve(first.objectKey())).doesNotExist();
        assertThat(team.method("DELETE", "/api/v1/installers/" + second).status()).isEqualTo(404);
    }

    @Test
    void deletingAnInstallerThatABuildReferencesIsRefusedWithConflict() {
        Api team = builder("media");
        InstallerView installer = registered(team, anInstaller());
        submit(team, aBuildRequest().withInstaller(installer.name()).build());

        Api.Response refused = team.method("DELETE", "/api/v1/installers/" + installer.name());

        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.json().get("detail").asString()).contains("referenced by 1 build");
        assertThat(team.get("/api/v1/installers/" + installer.name()).status()).isEqualTo(200);
        assertThat(bucket().resolve(installer.objectKey())).exists();
        assertThat(admin().method("DELETE", "/api/v1/installers/reference-tiny").status()).isEqualTo(409);
    }

    @Test
    void onlyTheRegisteringTeamOrAnAdminMayDeleteAnInstaller() {
        InstallerView installer = registered(builder("media"), anInstaller());

        Api.Response otherTeam = builder("other-team").method("DELETE", "/api/v1/installers/" + installer.name());

        assertThat(otherTeam.status()).as(otherTeam.toString()).isEqualTo(403);
        assertThat(admin().method("DELETE", "/api/v1/installers/" + installer.name()).status()).isEqualTo(204);
    }

    @Test
    void aNameAlreadyRegisteredIsAConflict() {
        InstallerView installer = registered(builder("media"), anInstaller());

        Api.Response again = builder("media").post("/api/v1/installers", anInstaller().named(installer.name()).build());

        assertThat(again.status()).as(again.toString()).isEqualTo(409);
    }

    @Test
    void aRegistrationNamesEveryBadField() {
        Api.Response refused = builder("media").post("/api/v1/installers", anInstaller()
                .named("../Kldload")
                .claimingSha256("not-a-digest")
                .withFormat("qcow2")
                .withBootMode("CSM")
                .withSuccessLine("Install\ncompleted")
                .withFailureLines("bad\u0007bell")
                .withInstallDeadline("forever")
                .installing(List.of("windows"), List.of())
                .withDefaultSuite("everything")
                .withDiskSize("lots")
                .build());

        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        List<String> fields = new ArrayList<>();
        refused.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("name", "sha256", "format", "bootMode", "successLine",
                "failureLines[0]", "installDeadline", "distros[0]", "profiles", "defaultSuite", "diskSize");
    }

    @Test
    void aBuildForADistroOrProfileTheMediumDoesNotDeclareIsRefusedAtSubmissionWithTheReason() {
        Api team = builder("media");
        InstallerView installer = registered(team, anInstaller().installing(List.of("debian"), List.of("core")));

        Api.Response refused = team.post("/api/v1/builds", aBuildRequest().withInstaller(installer.name())
                .withDistro("fedora").withProfile("desktop").build());

        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        JsonNode errors = refused.json().get("errors");
        List<String> fields = new ArrayList<>();
        errors.forEach(e -> fields.add(e.get("field").asString() + ": " + e.get("message").asString()));
        assertThat(fields).containsExactlyInAnyOrder(
                "distro: installer '" + installer.name() + "' does not install fedora; it declares debian",
                "profile: installer '" + installer.name() + "' does not install profile desktop; it declares core");
    }

    @Test
    void aBuildNamingTheMediumByDigestGetsItsDescriptorAndADownloadUrlWithItsLease() throws Exception {
        Api team = builder("media");
        InstallerRegistrations medium = anInstaller().withFormat("img").withSuccessLine("kldload: done")
                .withFailureLines("kldload: FAILED").withInstallDeadline("PT7M").withDefaultSuite("tiny")
                .withDiskSize("2G");
        InstallerView installer = registered(team, medium);
        emptyQueue();
        submit(team, aBuildRequest().withInstaller("sha256:" + installer.sha256()).build());

        Lease lease = aWorker("tcg").claim();

        InstallerMedium given = lease.build().installerMedium();
        assertThat(lease.build().installer()).isEqualTo("sha256:" + installer.sha256());
        assertThat(lease.build().tests()).isEqualTo("tiny");
        assertThat(given.name()).isEqualTo(installer.name());
        assertThat(given.sha256()).isEqualTo(medium.sha256());
        assertThat(given.format()).isEqualTo("img");
        assertThat(given.successLine()).isEqualTo("kldload: done");
        assertThat(given.failureLines()).containsExactly("kldload: FAILED");
        assertThat(given.installDeadline()).isEqualTo(Duration.ofMinutes(7));
        assertThat(given.diskSize()).isEqualTo("2G");
        var download = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(given.url())).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(ImageFiles.sha256(download.body())).isEqualTo(medium.sha256());
    }

    @Test
    void anImageAndItsProvenanceNameTheMediumByDigestAndName() {
        Api team = builder("media");
        String image = anImage(team, aBuildRequest().build());

        ImageView view = team.get("/api/v1/images/" + image).as(ImageView.class);
        JsonNode envelope = team.get("/api/v1/images/" + image + "/provenance").json();
        JsonNode statement = Api.JSON.readTree(Base64.getDecoder().decode(envelope.get("payload").asString()));
        JsonNode installer = null;
        for (JsonNode dependency : statement.get("predicate").get("buildDefinition").get("resolvedDependencies")) {
            if (dependency.get("name").asString().equals("installer")) {
                installer = dependency;
            }
        }

        assertThat(view.installer()).isEqualTo("reference-tiny");
        assertThat(view.installerSha256()).isEqualTo(REFERENCE_TINY_SHA256);
        assertThat(installer).isNotNull();
        assertThat(installer.get("digest").get("sha256").asString()).isEqualTo(REFERENCE_TINY_SHA256);
        assertThat(installer.get("uri").asString()).endsWith("/installers/reference-tiny");
        assertThat(installer.get("annotations").get("name").asString()).isEqualTo("reference-tiny");
    }
}
