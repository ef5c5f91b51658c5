package dev.goldsmith.worker.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoCloudSeedTest {

    @Test
    void seedIsAFatImageLabelledCidataWithMetaDataAndAUserWhoLogsInWithTheKey(@TempDir Path dir) throws Exception {
        Path image = NoCloudSeed.write(dir, "clone1-cidata", "goldsmith-1234", "sealed-clone-1", "goldsmith-verify",
                "ecdsa-sha2-nistp256 AAAAE2VjZHNh clone-key");

        assertThat(FatImage.label(image)).contains("CIDATA");
        assertThat(NoCloudSeed.read(image, "meta-data"))
                .isEqualTo("instance-id: goldsmith-1234\nlocal-hostname: sealed-clone-1\n");
        assertThat(NoCloudSeed.read(image, "user-data"))
                .startsWith("#cloud-config\n")
                .contains("  - name: goldsmith-verify\n")
                .contains("      - \"ecdsa-sha2-nistp256 AAAAE2VjZHNh clone-key\"\n");
    }
}
