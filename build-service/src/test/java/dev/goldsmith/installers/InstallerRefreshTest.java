package dev.goldsmith.installers;

import static dev.goldsmith.support.Completions.aMediumJobSuccess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.InstallerRefresh;
import dev.goldsmith.api.Lease;
import dev.goldsmith.api.PackageChange;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.DarksiteFiles;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Refreshes of the farm's reference media through the API and the worker protocol: a worker that builds media
 * answers for the recipe; the control plane registers what it built, or records that nothing changed, or that
 * it failed, and never replaces a medium with one that does not check out.
 */
class InstallerRefreshTest extends ServiceTest {

    static final String TINY_LOCK = """
            # reference-tiny package lock, written by build.sh
            busybox-static 1:1.35.0-4+deb12u1+b1 amd64 3d3fdbe91d4660c873e14b092c213fe81c1da6362daa236eb25d0171eb108744
            zlib1g 1:1.2.13.dfsg-1 amd64 d7dd1d1411fedf27f5e27650a6eff20ef294077b568f4c8c5e51466dc7c08ce4
            kmod 30+20221128-1 amd64 1111111111111111111111111111111111111111111111111111111111111111
            """;
    static final String NEWER_LOCK = """
            # reference-tiny package lock, written by build.sh
            busybox-static 1:1.35.0-4+deb12u1+b1 amd64 3d3fdbe91d4660c873e14b092c213fe81c1da6362daa236eb25d0171eb108744
            zlib1g 1:1.2.13.dfsg-1+deb12u1 amd64 ad9f1ea0537a32c9eaecc619563a9db596a5dee33afce8393b1083f22d301e1d
            dosfstools 4.2-1 amd64 71b0471242f7bb777264cdab55c141f1fc043b443105633a38708e125f90c4ea
            """;

    /** Refreshes change what the reference names stand for: this class has a database of its own. */
    private static final Path OWN_DATA_DIR = withLocks(aDataDir());

    @DynamicPropertySource
    static void ownDataDir(DynamicPropertyRegistry registry) {
        registry.add("goldsmith.test.own-data-dir", OWN_DATA_DIR::toString);
    }

    @Override
    protected Path dataDir() {
        return OWN_DATA_DIR;
    }

    /** The stand-in reference-tiny with the lock it was "built from", and a stand-in reference-debian-zfs. */
    private static Path withLocks(Path dataDir) {
        try {
            Path installers = dataDir.resolve("installers");
            Files.writeString(installers.resolve("resolved.lock"), TINY_LOCK, StandardCharsets.UTF_8);
            return dataDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void nothingElseQueued() {
        emptyQueue();
        jdbc.sql("update installer_refreshes set status = 'FAILED', finished_at = now() "
                + "where status in ('QUEUED', 'RUNNING')").update();
    }

    private Api.Response refresh(String name, String wait) {
        return admin().post("/api/v1/installers/" + name + "/refresh?wait=" + wait, null);
    }

    private InstallerRefresh queued(String name) {
        Api.Response response = refresh(name, "PT0S");
        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        InstallerRefresh refresh = response.as(InstallerRefresh.class);
        assertThat(refresh.status()).isEqualTo("QUEUED");
        assertThat(response.location()).isEqualTo("/api/v1/installers/" + name + "/refreshes/" + refresh.id());
        return refresh;
    }

    private InstallerRefresh ended(InstallerRefresh refresh) {
        String path = "/api/v1/installers/" + refresh.installer() + "/refreshes/" + refresh.id();
        await("refresh ends").atMost(Duration.ofSeconds(30)).until(() ->
                InstallerRefreshes.ended(admin().get(path).as(InstallerRefresh.class)));
        return admin().get(path).as(InstallerRefresh.class);
    }

    private String installerSha(String name) {
        return admin().get("/api/v1/installers/" + name).json().get("sha256").asString();
    }

    /** The sha256 of the medium the name stands for, or null when it is not registered. */
    private String registered(String name) {
        Api.Response response = admin().get("/api/v1/installers/" + name);
        return response.status() == 404 ? null : response.json().get("sha256").asString();
    }

    /** The package lock recorded for the medium the name stands for now. */
    private String currentLock(String name) {
        return jdbc.sql("select lock from medium_locks where sha256 = ?").param(installerSha(name))
                .query(String.class).single();
    }

    private void complete(Worker worker, Lease lease, CompleteRequest request) {
        Api.Response done = worker.complete(lease.leaseId(), request);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
    }

    @Test
    void aRefreshIsAMediumJobThatOnlyAWorkerBuildingMediaTakes() {
        InstallerRefresh refresh = queued("reference-tiny");
        assertThat(aWorker("tcg").claimResponse("PT1S").status()).isEqualTo(204);

        Lease lease = aWorker("tcg", "goldsmith-media").claim();

        assertThat(lease.build().buildId()).isEqualTo(refresh.job());
        assertThat(lease.build().kind()).isEqualTo("MEDIUM");
        assertThat(lease.build().medium().recipe()).isEqualTo("reference-tiny");
        assertThat(lease.build().medium().currentLock()).isEqualTo(currentLock("reference-tiny"));
        assertThat(lease.build().medium().currentLock()).contains("busybox-static");
        assertThat(lease.build().formats()).containsExactly("medium");
        var job = admin().get("/api/v1/builds/" + refresh.job()).json();
        assertThat(job.get("team").asString()).isEqualTo("farm");
        assertThat(job.get("kind").asString()).isEqualTo("MEDIUM");
    }

    @Test
    void aRefreshThatResolvesTheCurrentPackageSetEndsUnchangedAndBuildsNothing() {
        String before = installerSha("reference-tiny");
        InstallerRefresh refresh = queued("reference-tiny");
        Worker worker = aWorker("tcg", "goldsmith-media");
        Lease lease = worker.claim();

        complete(worker, lease, aMediumJobSuccess("UNCHANGED", lease.build().medium().currentLock()));

        InstallerRefresh ended = ended(refresh);
        assertThat(ended.status()).isEqualTo("UNCHANGED");
        assertThat(ended.previous().sha256()).isEqualTo(before);
        assertThat(ended.current().sha256()).isEqualTo(before);
        assertThat(ended.packages().upgraded()).isEmpty();
        assertThat(ended.packages().added()).isEmpty();
        assertThat(installerSha("reference-tiny")).isEqualTo(before);
    }

    @Test
    void aRefreshThatFindsOtherPackagesRegistersTheNewMediumAndSaysWhatChanged() {
        jdbc.sql("update medium_locks set lock = ? where sha256 = ?").params(TINY_LOCK, installerSha("reference-tiny"))
                .update();
        String before = installerSha("reference-tiny");
        InstallerRefresh refresh = queued("reference-tiny");
        Worker worker = aWorker("tcg", "goldsmith-media");
        Lease lease = worker.claim();
        byte[] medium = ImageFiles.aTinyImage("refreshed reference-tiny " + refresh.id());

        worker.upload(lease, "medium", medium);
        complete(worker, lease, aMediumJobSuccess("BUILT", NEWER_LOCK));

        InstallerRefresh ended = ended(refresh);
        assertThat(ended.status()).as(ended.failure()).isEqualTo("REFRESHED");
        assertThat(ended.previous().sha256()).isEqualTo(before);
        assertThat(ended.current().sha256()).isEqualTo(ImageFiles.sha256(medium));
        assertThat(ended.packages().upgraded()).containsExactly(
                new PackageChange("zlib1g", "1:1.2.13.dfsg-1", "1:1.2.13.dfsg-1+deb12u1"));
        assertThat(ended.packages().added()).containsExactly("dosfstools 4.2-1");
        assertThat(ended.packages().removed()).containsExactly("kmod 30+20221128-1");
        assertThat(ended.packages().downgraded()).isEmpty();
        assertThat(installerSha("reference-tiny")).isEqualTo(ImageFiles.sha256(medium));
        // The previous medium stays: images were made from it, and builds may still name it by digest.
        assertThat(bucket().resolve("installers/" + before + ".img")).exists();
        assertThat(bucket().resolve("installers/" + ImageFiles.sha256(medium) + ".img")).hasBinaryContent(medium);
        // The next refresh compares with the lock the new medium was built from.
        queued("reference-tiny");
        assertThat(aWorker("tcg", "goldsmith-media").claim().build().medium().currentLock()).isEqualTo(NEWER_LOCK);
    }

    @org.springframework.beans.factory.annotation.Autowired
    ReferenceInstallers references;

    @Test
    void aMediumARefreshRegisteredIsKeptOverTheOlderFileAtStartButNotOverANewerOne() throws IOException {
        InstallerRefresh refresh = queued("reference-tiny");
        Worker worker = aWorker("tcg", "goldsmith-media");
        Lease lease = worker.claim();
        byte[] medium = ImageFiles.aTinyImage("kept " + refresh.id());
        worker.upload(lease, "medium", medium);
        complete(worker, lease, aMediumJobSuccess("BUILT", NEWER_LOCK));
        assertThat(ended(refresh).status()).isEqualTo("REFRESHED");
        Path file = dataDir().resolve("installers/reference-tiny.img");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));

        references.registerFrom(file.getParent());
        assertThat(installerSha("reference-tiny")).as("a restart keeps what the refresh registered")
                .isEqualTo(ImageFiles.sha256(medium));

        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(5)));
        references.registerFrom(file.getParent());
        assertThat(installerSha("reference-tiny")).as("an operator's newer file replaces it")
                .isEqualTo(ImageFiles.sha256(Files.readAllBytes(file)));
    }

    @Test
    void aMediumJobsSuccessMustSayHowItEndedAndABuiltOneMustHaveStoredItsOutputs() {
        queued("reference-tiny");
        Worker worker = aWorker("tcg", "goldsmith-media");
        Lease lease = worker.claim();

        Api.Response unsaid = worker.complete(lease.leaseId(), aMediumJobSuccess("MAYBE", NEWER_LOCK));
        Api.Response unstored = worker.complete(lease.leaseId(), aMediumJobSuccess("BUILT", NEWER_LOCK));

        assertThat(unsaid.status()).isEqualTo(422);
        assertThat(unsaid.body()).contains("medium.result");
        assertThat(unstored.status()).isEqualTo(422);
        assertThat(unstored.body()).contains("\"field\":\"artifacts\"").contains("missing: [medium]");
    }

    @Test
    void aRefreshThatCannotReachTheArchiveFailsWithTheReasonAndChangesNothing() {
        String before = installerSha("reference-tiny");
        InstallerRefresh refresh = queued("reference-tiny");
        Worker worker = aWorker("tcg", "goldsmith-media");
        Lease lease = worker.claim();

        complete(worker, lease, new CompleteRequest("FAILED", "RESOLVE_FAILED", "RESOLVE", "reference-tiny: could "
                + "not resolve the package set (build.sh exited 1): build.sh: error: cannot reach the package "
                + "archive (apt-get update failed); nothing was resolved", false, null, List.of(), null));

        InstallerRefresh ended = ended(refresh);
        assertThat(ended.status()).isEqualTo("FAILED");
        assertThat(ended.failure()).contains("RESOLVE_FAILED").contains("cannot reach the package archive");
        assertThat(ended.current()).isNull();
        assertThat(installerSha("reference-tiny")).isEqualTo(before);
    }

    @Test
    void aRefreshedMediumWithADarksiteIsRegisteredWithItAndTheDarksiteStoredByDigest() {
        String before = registered("reference-debian-zfs");
        InstallerRefresh refresh = queued("reference-debian-zfs");
        Worker worker = aWorker("tcg", "goldsmith-media");
        Lease lease = worker.claim();
        assertThat(lease.build().formats()).containsExactly("medium", "darksite", "darksite-lock");
        DarksiteFiles darksite = DarksiteFiles.aDarksite().withPackages(4);
        byte[] medium = ImageFiles.aTinyImage("reference-debian-zfs " + refresh.id());

        worker.upload(lease, "medium", medium);
        worker.upload(lease, "darksite", darksite.archive());
        worker.upload(lease, "darksite-lock", darksite.lock().getBytes(StandardCharsets.UTF_8));
        complete(worker, lease, aMediumJobSuccess("BUILT", darksite.packageLines()));

        InstallerRefresh ended = ended(refresh);
        assertThat(ended.status()).as(ended.failure()).isEqualTo("REFRESHED");
        assertThat(ended.previous() == null ? null : ended.previous().sha256()).isEqualTo(before);
        assertThat(ended.current().darksite()).isEqualTo(darksite.digest());
        var installer = admin().get("/api/v1/installers/reference-debian-zfs").json();
        assertThat(installer.get("darksite").asString()).isEqualTo(darksite.digest());
        assertThat(admin().get("/api/v1/darksites/" + darksite.digest()).status()).isEqualTo(200);
    }

    @Test
    void aMediumWhoseDarksiteDoesNotCheckOutIsNotRegistered() {
        String before = registered("reference-debian-zfs");
        InstallerRefresh refresh = queued("reference-debian-zfs");
        Worker worker = aWorker("tcg", "goldsmith-media");
        Lease lease = worker.claim();
        DarksiteFiles tampered = DarksiteFiles.aDarksite().withTamperedPackage("pkgb");

        worker.upload(lease, "medium", ImageFiles.aTinyImage("tampered " + refresh.id()));
        worker.upload(lease, "darksite", tampered.archive());
        worker.upload(lease, "darksite-lock", tampered.lock().getBytes(StandardCharsets.UTF_8));
        complete(worker, lease, aMediumJobSuccess("BUILT", tampered.packageLines()));

        InstallerRefresh ended = ended(refresh);
        assertThat(ended.status()).isEqualTo("FAILED");
        assertThat(ended.failure()).contains("was not registered").contains("pkgb");
        assertThat(registered("reference-debian-zfs")).isEqualTo(before);
    }

    @Test
    void aSecondRefreshWhileOneIsUnderWayAnswersThatOne() {
        InstallerRefresh first = queued("reference-tiny");

        Api.Response second = refresh("reference-tiny", "PT0S");

        assertThat(second.status()).isEqualTo(202);
        assertThat(second.as(InstallerRefresh.class).id()).isEqualTo(first.id());
        assertThat(jdbc.sql("select count(*) from builds where kind = 'MEDIUM' and status = 'QUEUED'")
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aRefreshWaitsForItsOutcomeWhenAskedTo() throws Exception {
        var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> refresh("reference-tiny", "PT30S"));
        Worker worker = aWorker("tcg", "goldsmith-media");
        Lease lease = await().atMost(Duration.ofSeconds(20)).until(() -> {
            Api.Response claimed = worker.claimResponse("PT1S");
            return claimed.status() == 200 ? claimed.as(Lease.class) : null;
        }, l -> l != null);
        complete(worker, lease, aMediumJobSuccess("UNCHANGED", TINY_LOCK));

        Api.Response response = answer.get();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.as(InstallerRefresh.class).status()).isEqualTo("UNCHANGED");
    }

    @Test
    void theHistoryListsAnInstallersRefreshesNewestFirst() {
        InstallerRefresh first = queued("reference-tiny");
        jdbc.sql("update installer_refreshes set status = 'FAILED', finished_at = now() where id = ?")
                .param(first.id()).update();
        InstallerRefresh second = queued("reference-tiny");

        var listed = admin().get("/api/v1/installers/reference-tiny/refreshes?limit=2").json().get("refreshes");

        assertThat(listed.get(0).get("id").asString()).isEqualTo(second.id().toString());
        assertThat(listed.get(1).get("id").asString()).isEqualTo(first.id().toString());
        assertThat(builder("platform").get("/api/v1/installers/reference-tiny/refreshes/" + first.id()).status())
                .isEqualTo(200);
    }

    @Test
    void badRefreshRequestsAreRefusedNamingWhatIsWrong() {
        Api.Response unknown = refresh("team-medium", "PT0S");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.isProblem()).isTrue();
        assertThat(unknown.body()).contains("reference-tiny");

        Api.Response badWait = refresh("reference-tiny", "soon");
        assertThat(badWait.status()).isEqualTo(422);
        assertThat(badWait.body()).contains("\"wait\"");

        assertThat(builder("platform").post("/api/v1/installers/reference-tiny/refresh", null).status())
                .isEqualTo(403);
        assertThat(admin().get("/api/v1/installers/reference-tiny/refreshes/not-a-uuid").status()).isEqualTo(422);
        assertThat(admin().get("/api/v1/installers/reference-tiny/refreshes/" + java.util.UUID.randomUUID())
                .status()).isEqualTo(404);
    }
}
