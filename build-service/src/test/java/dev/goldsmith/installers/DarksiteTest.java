package dev.goldsmith.installers;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.DarksiteFiles.aDarksite;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.DarksiteView;
import dev.goldsmith.api.ImageView;
import dev.goldsmith.api.InstallerView;
import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.DarksiteFiles;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Darksites of reference media: stored once under their digest when the control plane registers a medium that
 * carries one, refused when the lock does not hash to its digest, served by digest, and named by the builds,
 * images and provenance of that medium.
 */
@ExtendWith(OutputCaptureExtension.class)
class DarksiteTest extends ServiceTest {

    private static final String MEDIUM = "reference-debian-zfs";

    @Autowired
    ReferenceInstallers references;

    @TempDir
    Path dir;

    /** A fresh stand-in medium with the darksite's files beside it in {@code folder}, registered from there. */
    private byte[] registerMediumWith(DarksiteFiles darksite, String folder) throws IOException {
        return registerMediumIn(darksite.writeTo(dir.resolve(folder)));
    }

    /** A fresh stand-in medium in {@code media}, which already holds the darksite's files, registered from there. */
    private byte[] registerMediumIn(Path media) throws IOException {
        byte[] medium = ("stand-in " + MEDIUM + " medium " + UUID.randomUUID() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Files.write(media.resolve(MEDIUM + ".img"), medium);
        references.registerFrom(media);
        return medium;
    }

    private InstallerView medium() {
        return as("someone", "reader").get("/api/v1/installers/" + MEDIUM).as(InstallerView.class);
    }

    /** What tells one stored file from a rewrite of it: its inode and modification time. */
    private List<Object> identity(String key) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(bucket().resolve(key), BasicFileAttributes.class);
        return List.of(attributes.fileKey(), attributes.lastModifiedTime());
    }

    private long darksiteRows(String digest) {
        return jdbc.sql("select count(*) from darksites where digest = ?").param(digest).query(Long.class).single();
    }

    @Test
    void aMediumsDarksiteIsStoredUnderItsDigestAndTheMediumNamesIt() throws IOException {
        DarksiteFiles darksite = aDarksite().withPackages(3);

        byte[] medium = registerMediumWith(darksite, "media");

        InstallerView installer = medium();
        assertThat(installer.sha256()).isEqualTo(ImageFiles.sha256(medium));
        assertThat(installer.darksite()).isEqualTo(darksite.digest());
        assertThat(Files.readString(bucket().resolve("darksites/" + darksite.hex() + ".lock")))
                .isEqualTo(darksite.lock());
        assertThat(Files.readAllBytes(bucket().resolve("darksites/" + darksite.hex() + ".tar")))
                .isEqualTo(darksite.archive());
        assertThat(jdbc.sql("select packages from darksites where digest = ?").param(darksite.digest())
                .query(Integer.class).single()).isEqualTo(3);
    }

    @Test
    void aSecondMediumWithTheSameDarksiteReusesItsStoredObjects() throws IOException {
        DarksiteFiles darksite = aDarksite().withPackages(4);
        registerMediumWith(darksite, "first");
        List<Object> lock = identity("darksites/" + darksite.hex() + ".lock");
        List<Object> archive = identity("darksites/" + darksite.hex() + ".tar");

        byte[] rebuilt = registerMediumWith(darksite, "rebuilt");

        assertThat(medium().sha256()).isEqualTo(ImageFiles.sha256(rebuilt));
        assertThat(medium().darksite()).isEqualTo(darksite.digest());
        assertThat(identity("darksites/" + darksite.hex() + ".lock")).as("the lock, not uploaded again")
                .isEqualTo(lock);
        assertThat(identity("darksites/" + darksite.hex() + ".tar")).as("the tar, not uploaded again")
                .isEqualTo(archive);
        assertThat(darksiteRows(darksite.digest())).isEqualTo(1);
    }

    @Test
    void aRecordedDarksiteWhoseStoredObjectsStillMatchIsNotReadAgainOnRegistration() throws IOException {
        DarksiteFiles darksite = aDarksite().withPackages(2);
        registerMediumWith(darksite, "first");
        List<Object> archive = identity("darksites/" + darksite.hex() + ".tar");
        Path again = darksite.writeTo(dir.resolve("again"));
        // Were the local tar read, this would refuse the darksite and the medium.
        Files.writeString(again.resolve("darksite-" + darksite.hex() + ".tar"), "not a tar");

        byte[] rebuilt = registerMediumIn(again);

        assertThat(medium().sha256()).isEqualTo(ImageFiles.sha256(rebuilt));
        assertThat(medium().darksite()).isEqualTo(darksite.digest());
        assertThat(identity("darksites/" + darksite.hex() + ".tar")).isEqualTo(archive);
        assertThat(Files.readAllBytes(bucket().resolve("darksites/" + darksite.hex() + ".tar")))
                .isEqualTo(darksite.archive());
    }

    @Test
    void aLockThatDoesNotHashToItsDigestIsRefusedAndNothingIsStored(CapturedOutput output) throws IOException {
        // A package line added to the lock after its digest was written.
        DarksiteFiles tampered = aDarksite().withLine("evil 1.0 amd64 " + "e".repeat(64) + " 666");

        byte[] medium = registerMediumWith(tampered, "tampered");

        assertThat(output).contains("darksite.lock does not hash to darksite.digest");
        assertThat(output).contains("Reference installer " + MEDIUM + " from " + dir.resolve("tampered"));
        assertThat(bucket().resolve("darksites/" + tampered.hex() + ".lock")).doesNotExist();
        assertThat(bucket().resolve("darksites/" + tampered.hex() + ".tar")).doesNotExist();
        assertThat(darksiteRows(tampered.digest())).isZero();
        assertThat(bucket().resolve("installers/" + ImageFiles.sha256(medium) + ".img")).doesNotExist();
        Api.Response registered = as("someone", "reader").get("/api/v1/installers/" + MEDIUM);
        if (registered.status() == 200) {
            assertThat(registered.as(InstallerView.class).sha256()).isNotEqualTo(ImageFiles.sha256(medium));
        }
    }

    @Test
    void aTarWhosePackageDiffersFromTheLockIsRefusedAndNothingIsStored(CapturedOutput output) throws IOException {
        DarksiteFiles tampered = aDarksite().withTamperedPackage("pkgb");

        registerMediumWith(tampered, "tampered-deb");

        assertThat(output).contains("the darksite's tar does not match its lock: pool/pkgb_1%3a2.3-1+deb12u1_all.deb "
                + "has ");
        assertThat(darksiteRows(tampered.digest())).isZero();
        assertThat(bucket().resolve("darksites/" + tampered.hex() + ".lock")).doesNotExist();
        assertThat(bucket().resolve("darksites/" + tampered.hex() + ".tar")).doesNotExist();
    }

    @Test
    void aTarMissingAPinnedPackageIsRefusedNamingIt(CapturedOutput output) throws IOException {
        DarksiteFiles incomplete = aDarksite().withoutPackage("pkga");

        registerMediumWith(incomplete, "incomplete");

        assertThat(output).contains("pool/pkga_1%3a2.3-0+deb12u1_amd64.deb is missing");
        assertThat(darksiteRows(incomplete.digest())).isZero();
        assertThat(bucket().resolve("darksites/" + incomplete.hex() + ".tar")).doesNotExist();
    }

    @Test
    void aLockWithALineThatIsNotAPackageIsRefusedNamingTheLine(CapturedOutput output) throws IOException {
        DarksiteFiles broken = aDarksite().withPackages(2).withLine("not a package line");

        registerMediumWith(broken, "broken");

        assertThat(output).contains("darksite.lock is not a darksite lock: line 4 is not 'name version arch sha256 "
                + "size': 'not a package line'");
        assertThat(darksiteRows(broken.digest())).isZero();
        assertThat(bucket().resolve("darksites/" + broken.hex() + ".tar")).doesNotExist();
    }

    @Test
    void aDarksiteIsServedByDigestWithEveryPackageAndItsStoredObjects() throws IOException {
        DarksiteFiles darksite = aDarksite().withPackages(3);
        registerMediumWith(darksite, "served");

        Api.Response response = as("someone", "reader").get("/api/v1/darksites/" + darksite.digest());

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        DarksiteView view = response.as(DarksiteView.class);
        byte[] lock = darksite.lock().getBytes(StandardCharsets.UTF_8);
        assertThat(view.digest()).isEqualTo(darksite.digest());
        assertThat(view.packages()).isEqualTo(darksite.packages());
        assertThat(view.archive().objectKey()).isEqualTo("darksites/" + darksite.hex() + ".tar");
        assertThat(view.archive().sha256()).isEqualTo(ImageFiles.sha256(darksite.archive()));
        assertThat(view.archive().size()).isEqualTo(darksite.archive().length);
        assertThat(view.lock().objectKey()).isEqualTo("darksites/" + darksite.hex() + ".lock");
        assertThat(view.lock().sha256()).isEqualTo(ImageFiles.sha256(lock));
        assertThat(view.lock().size()).isEqualTo(lock.length);
        assertThat(view.createdAt()).isNotNull();
    }

    @Test
    void anUnknownDarksiteIsNotFoundAndAMalformedDigestIsRefusedNamingIt() {
        Api reader = as("someone", "reader");

        Api.Response unknown = reader.get("/api/v1/darksites/sha256:" + "0".repeat(64));
        Api.Response uppercase = reader.get("/api/v1/darksites/sha256:" + "A".repeat(64));
        Api.Response bare = reader.get("/api/v1/darksites/" + "0".repeat(64));

        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.isProblem()).isTrue();
        for (Api.Response malformed : List.of(uppercase, bare)) {
            assertThat(malformed.status()).as(malformed.toString()).isEqualTo(422);
            assertThat(malformed.isProblem()).isTrue();
            assertThat(malformed.json().get("errors").get(0).get("field").asString()).isEqualTo("digest");
        }
    }

    @Test
    void aBuildOfTheMediumCarriesItsDarksiteInItsLeaseImageAndProvenance() throws IOException {
        DarksiteFiles darksite = aDarksite().withPackages(5);
        registerMediumWith(darksite, "built");
        Api team = builder("darksites");
        emptyQueue();
        UUID build = submit(team, aBuildRequest().withInstaller(MEDIUM).build());
        Worker worker = aWorker("tcg");

        Lease lease = worker.claim();
        worker.uploadAndSucceed(lease);

        assertThat(lease.build().buildId()).isEqualTo(build);
        assertThat(lease.build().installerMedium().darksite()).isEqualTo(darksite.digest());
        String image = lease.build().imageName();
        assertThat(team.get("/api/v1/images/" + image).as(ImageView.class).darksite()).isEqualTo(darksite.digest());
        JsonNode envelope = team.get("/api/v1/images/" + image + "/provenance").json();
        JsonNode statement = Api.JSON.readTree(Base64.getDecoder().decode(envelope.get("payload").asString()));
        JsonNode dependencies = statement.get("predicate").get("buildDefinition").get("resolvedDependencies");
        assertThat(dependencies).hasSize(3);
        JsonNode dependency = dependencies.get(1);
        assertThat(dependency.get("name").asString()).isEqualTo("darksite");
        assertThat(dependency.get("uri").asString())
                .isEqualTo("https://goldsmith.dev/farm/darksites/" + darksite.digest());
        assertThat(dependency.get("digest").get("sha256").asString()).isEqualTo(darksite.hex());
        assertThat(dependency.get("annotations").get("packages").asInt()).isEqualTo(5);
        assertThat(dependency.get("annotations").get("digestOf").asString())
                .isEqualTo("darksite.lock without comment lines");
    }
}
