package dev.goldsmith.worker.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedDiskTest {

    @Test
    void seedIsAFatImageLabelledKldloadseedHoldingTheAnswersAndNothingIsLeftBeside(@TempDir Path dir)
            throws Exception {
        Path image = SeedDisk.write(dir, "KLDLOAD_HOSTNAME=\"web1\"\n");

        assertThat(SeedDisk.label(image)).contains("KLDLOADSEED");
        assertThat(SeedDisk.read(image)).isEqualTo("KLDLOAD_HOSTNAME=\"web1\"\n");
        assertThat(Files.exists(dir.resolve("answers.env"))).isFalse();
    }
}
