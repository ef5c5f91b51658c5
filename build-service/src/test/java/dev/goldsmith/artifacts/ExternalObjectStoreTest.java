package dev.goldsmith.artifacts;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static dev.goldsmith.support.ImageFiles.aTinyImage;
import static dev.goldsmith.support.ImageFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Instances;
import dev.goldsmith.support.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With {@code goldsmith.s3.endpoint} set the service starts no store of its own and uses that endpoint (here the
 * first instance's S3Proxy), signing part URLs for {@code goldsmith.s3.public-endpoint}.
 */
class ExternalObjectStoreTest extends ServiceTest {

    @Autowired
    EmbeddedObjectStore s3;


    @Test
    void configuredEndpointIsUsedAndPartUrlsPointAtThePublicEndpoint() throws Exception {
        emptyQueue();
        Path dataDir = Files.createTempDirectory("goldsmith-external-s3-");
        String publicEndpoint = s3.endpoint().replace("127.0.0.1", "localhost");
        try (ConfigurableApplicationContext external = Instances.start(sameDatabase("goldsmith.admin-token=" + ADMIN_TOKEN,
                "goldsmith.data-dir=" + dataDir,
                "goldsmith.s3.endpoint=" + s3.endpoint(), "goldsmith.s3.public-endpoint=" + publicEndpoint,
                "goldsmith.s3.access-key=" + s3.accessKey(), "goldsmith.s3.secret-key=" + s3.secretKey(),
                "goldsmith.s3.bucket=external-images"))) {
            int externalPort = Instances.port(external);
            Worker registered = aWorker("tcg");
            Worker worker = new Worker(registered.api().onPort(externalPort), registered.id());
            submit(builder("alpha"), aBuildRequest().build());
            Lease lease = worker.claim();

            byte[] image = aTinyImage("disk.qcow2");
            StartedUpload started = worker.startAndPut(lease, "qcow2", image);
            Api.Response done = worker.completeUpload(lease.leaseId(), "qcow2", new ArtifactUploadComplete(
                    started.upload().uploadId(), sha256(image), image.length, started.parts()));

            ObjectStore store = external.getBean(ObjectStore.class);
            assertThat(started.upload().parts().getFirst().url()).startsWith(publicEndpoint + "/external-images/");
            assertThat(store.bucket()).isEqualTo("external-images");
            assertThat(done.status()).as(done.toString()).isEqualTo(200);
            assertThat(store.size(started.upload().objectKey())).hasValue(image.length);
            assertThat(dataDir.resolve("s3")).doesNotExist();
        }
    }
}
