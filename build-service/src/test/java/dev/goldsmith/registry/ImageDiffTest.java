package dev.goldsmith.registry;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.ImageDiff;
import dev.goldsmith.api.InstalledPackage;
import dev.goldsmith.api.Lease;
import dev.goldsmith.formats.FileManifest;
import dev.goldsmith.formats.FileManifest.Entry;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Completions;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The diff of two image versions: inputs, packages from their SBOMs, files from their manifests (stored by the
 * worker as a byproduct, downloadable, named in the provenance), as JSON and as a changelog.
 */
class ImageDiffTest extends ServiceTest {

    private String team;
    private Api builder;

    @BeforeEach
    void aTeam() {
        team = "diff-" + UUID.randomUUID().toString().substring(0, 8);
        builder = builder(team);
    }

    private static byte[] manifest(Entry... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FileManifest.write(List.of(entries), out);
        return out.toByteArray();
    }

    private static Entry file(String path, String content, long size) {
        return new Entry(path, 'f', "644", "0:0", Long.toString(size), ImageFiles.sha256(content.getBytes()));
    }

    /** An image built by a worker that reported these packages and stored this manifest (or none). */
    private String image(String hostname, List<InstalledPackage> packages, byte[] manifest) {
        return image(hostname, "Diff-test-pa55", packages, manifest);
    }

    private String image(String hostname, String password, List<InstalledPackage> packages, byte[] manifest) {
        emptyQueue();
        UUID id = submit(builder, aBuildRequest().withAnswer("KLDLOAD_HOSTNAME", hostname)
                .withAnswer("KLDLOAD_PASSWORD", password).build());
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        assertThat(lease.build().buildId()).isEqualTo(id);
        for (String format : lease.build().formats()) {
            worker.upload(lease, format, ImageFiles.aTinyImage(lease.build().imageName() + "." + format));
        }
        List<dev.goldsmith.api.ArtifactView> listed = new java.util.ArrayList<>();
        if (manifest != null) {
            // A worker lists what it stored, the manifest too.
            listed.add(worker.upload(lease, "manifest", manifest));
        }
        Api.Response done = worker.complete(lease.leaseId(), new dev.goldsmith.api.CompleteRequest("SUCCEEDED", null,
                null, null, null, listed, List.of(), packages));
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        return lease.build().imageName();
    }

    @Test
    void aDiffNamesTheChangedInputsPackagesAndFiles() throws IOException {
        String before = image("web1", List.of(new InstalledPackage("zlib1g", "1:1.2.13.dfsg-1", "amd64"),
                new InstalledPackage("kmod", "30+20221128-1", "amd64")), manifest(
                file("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "old zlib", 120000),
                file("/etc/hostname", "web1\n", 5), file("/usr/bin/kmod", "kmod", 170000)));
        String after = image("web2", "Another-pa55", List.of(
                new InstalledPackage("zlib1g", "1:1.2.13.dfsg-1+deb12u1", "amd64"),
                new InstalledPackage("dosfstools", "4.2-1", "amd64")), manifest(
                file("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "new zlib", 121000),
                file("/etc/hostname", "web2\n", 5), file("/usr/sbin/mkfs.fat", "mkfs", 50000)));

        ImageDiff diff = builder.get("/api/v1/images/" + after + "/diff?against=" + before).as(ImageDiff.class);

        assertThat(diff.from()).isEqualTo(before);
        assertThat(diff.to()).isEqualTo(after);
        assertThat(diff.packages().upgraded()).singleElement()
                .satisfies(c -> assertThat(c.name() + " " + c.from() + " " + c.to())
                        .isEqualTo("zlib1g 1:1.2.13.dfsg-1 1:1.2.13.dfsg-1+deb12u1"));
        assertThat(diff.packages().added()).containsExactly("dosfstools 4.2-1");
        assertThat(diff.packages().removed()).containsExactly("kmod 30+20221128-1");
        assertThat(diff.inputs()).anySatisfy(c -> {
            assertThat(c.field()).isEqualTo("answers.KLDLOAD_HOSTNAME");
            assertThat(c.from()).isEqualTo("web1");
            assertThat(c.to()).isEqualTo("web2");
        });
        assertThat(diff.inputs()).anySatisfy(c -> assertThat(c.field()).isEqualTo("source.commit"));
        // A secret answer shows as a key only: each build had a password of its own.
        assertThat(diff.inputs()).anySatisfy(c -> {
            assertThat(c.field()).isEqualTo("answers.KLDLOAD_PASSWORD");
            assertThat(c.from()).isEqualTo("(secret)");
            assertThat(c.to()).isEqualTo("(secret) changed");
        });
        assertThat(diff.files().added()).containsExactly("/usr/sbin/mkfs.fat");
        assertThat(diff.files().removed()).containsExactly("/usr/bin/kmod");
        assertThat(diff.files().changed()).containsExactly("/etc/hostname", "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13");
        assertThat(diff.files().bytes()).isEqualTo(50000 + 5 + 121000);
    }

    @Test
    void theChangelogIsOneLinePerChangePackagesFirst() {
        String before = image("web1", List.of(new InstalledPackage("zlib1g", "1:1.2.13.dfsg-1", "amd64")), null);
        String after = image("web1", List.of(new InstalledPackage("zlib1g", "1:1.2.13.dfsg-1+deb12u1", "amd64")),
                null);

        Api.Response text = builder.getWithHeader("/api/v1/images/" + after + "/diff?against=" + before, "Accept",
                "text/plain");

        assertThat(text.status()).isEqualTo(200);
        assertThat(text.contentType()).startsWith("text/plain");
        List<String> lines = text.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo(before + " -> " + after);
        assertThat(lines.get(1)).isEqualTo("package upgraded   zlib1g 1:1.2.13.dfsg-1 -> 1:1.2.13.dfsg-1+deb12u1");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("input source.commit: "));
        assertThat(lines.getLast()).isEqualTo("files: not compared (an image has no file manifest)");
        assertThat(text.body()).doesNotContain("Secret");
    }

    @Test
    void theManifestIsAByproductDownloadableAndNamedInTheProvenanceButNotAnImageFile() throws IOException {
        byte[] manifest = manifest(file("/etc/hostname", "web1\n", 5));
        String image = image("web1", List.of(), manifest);

        Api.Response download = builder.get("/api/v1/images/" + image + "/manifest");
        assertThat(download.status()).isEqualTo(302);
        assertThat(download.location()).contains(image + ".manifest");
        var view = builder.get("/api/v1/images/" + image).json();
        assertThat(view.toString()).doesNotContain(".manifest");
        var envelope = builder.get("/api/v1/images/" + image + "/provenance").json();
        String statement = new String(Base64.getDecoder().decode(envelope.get("payload").asString()));
        assertThat(statement).contains("\"name\":\"file-manifest\"").contains(ImageFiles.sha256(manifest));
        assertThat(statement).doesNotContain("\"name\":\"" + image + ".manifest\"");

        String without = image("web2", List.of(), null);
        assertThat(builder.get("/api/v1/images/" + without + "/manifest").status()).isEqualTo(404);
    }

    @Test
    void aDiffNeedsTwoImagesTheCallerMaySee() {
        String mine = image("web1", List.of(), null);
        Api other = builder("diff-other-" + UUID.randomUUID().toString().substring(0, 6));
        emptyQueue();

        Api.Response invisible = other.get("/api/v1/images/" + mine + "/diff?against=" + mine);
        assertThat(invisible.status()).isEqualTo(404);
        Api.Response againstInvisible = builder.get("/api/v1/images/" + mine + "/diff?against=golden-debian-"
                + "server-v20200101-0000000");
        assertThat(againstInvisible.status()).isEqualTo(404);
        Api.Response missing = builder.get("/api/v1/images/" + mine + "/diff");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.body()).contains("\"field\":\"against\"");
    }
}
