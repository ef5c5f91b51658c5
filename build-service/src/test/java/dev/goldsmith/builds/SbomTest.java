package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.InstalledPackage;
import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Completions;
import dev.goldsmith.support.Downloads;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The packages a worker found in the image become an SPDX SBOM beside it, named by digest in its provenance. */
class SbomTest extends ServiceTest {

    @Test
    void reportedPackagesBecomeAnSpdxDocumentWhoseDigestTheProvenanceNames() {
        Api builder = builder("sbom");
        UUID id = submit(builder, aBuildRequest().withDistro("debian").build());
        Worker worker = aWorker("tcg");
        Lease lease = claimedWithFilesStored(worker, id);
        Api.Response done = worker.complete(lease.leaseId(), Completions.aSuccessWithPackages(List.of(
                new InstalledPackage("openssh-server", "1:9.2p1-2+deb12u3", "amd64"),
                new InstalledPackage("zfsutils-linux", "2.1.11-1", "amd64"),
                new InstalledPackage("base-files", "12.4+deb12u11", null))));
        String image = lease.build().imageName();

        Api.Response redirect = builder.get("/api/v1/images/" + image + "/sbom");
        byte[] sbom = Downloads.get(redirect.location()).body();
        JsonNode document = Api.JSON.readTree(sbom);
        JsonNode statement = Api.JSON.readTree(Base64.getDecoder().decode(
                builder.get("/api/v1/images/" + image + "/provenance").json().get("payload").asString()));
        JsonNode byproduct = statement.get("predicate").get("runDetails").get("byproducts").get(2);

        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(document.get("spdxVersion").asString()).isEqualTo("SPDX-2.3");
        assertThat(document.get("name").asString()).isEqualTo(image);
        List<String> names = new ArrayList<>();
        List<String> purls = new ArrayList<>();
        document.get("packages").forEach(p -> names.add(p.get("name").asString()));
        document.get("packages").forEach(p -> {
            if (p.has("externalRefs")) {
                purls.add(p.get("externalRefs").get(0).get("referenceLocator").asString());
            }
        });
        assertThat(names).containsExactly(image, "base-files", "openssh-server", "zfsutils-linux");
        assertThat(purls).containsExactly("pkg:deb/debian/base-files@12.4%2Bdeb12u11",
                "pkg:deb/debian/openssh-server@1%3A9.2p1-2%2Bdeb12u3?arch=amd64",
                "pkg:deb/debian/zfsutils-linux@2.1.11-1?arch=amd64");
        assertThat(byproduct.get("name").asString()).isEqualTo("sbom");
        assertThat(byproduct.get("mediaType").asString()).isEqualTo("application/spdx+json");
        assertThat(byproduct.get("digest").get("sha256").asString()).isEqualTo(ImageFiles.sha256(sbom));
        assertThat(status(id)).isEqualTo("SUCCEEDED");
    }

    @Test
    void malformedPackageIsRefusedNamingItsFieldAndTheBuildKeepsRunning() {
        UUID id = submit(builder("sbom"), aBuildRequest().build());
        Worker worker = aWorker("tcg");
        Lease lease = claimedWithFilesStored(worker, id);

        Api.Response refused = worker.complete(lease.leaseId(), Completions.aSuccessWithPackages(List.of(
                new InstalledPackage("good", "1.0", "amd64"),
                new InstalledPackage("bad;rm -rf /", "1.0", "amd64"))));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("packages[1].name");
        assertThat(status(id)).isEqualTo("RUNNING");
    }

    /** The worker claims the build (nothing else is queued) and stores a tiny file for every requested format. */
    private Lease claimedWithFilesStored(Worker worker, UUID id) {
        jdbc.sql("update builds set status = 'CANCELLED', finished_at = now() where status = 'QUEUED' and id <> ?")
                .param(id).update();
        Lease lease = worker.claim();
        assertThat(lease.build().buildId()).isEqualTo(id);
        for (String format : lease.build().formats()) {
            worker.upload(lease, format, ImageFiles.aTinyImage(lease.build().imageName() + "." + format));
        }
        return lease;
    }
}
