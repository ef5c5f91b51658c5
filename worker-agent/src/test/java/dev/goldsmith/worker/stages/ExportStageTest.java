package dev.goldsmith.worker.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExportStageTest {

    @Test
    void everyFormatUsesTheOptionsOfTheDesign() {
        Path src = Path.of("/w/test.qcow2");
        assertThat(String.join(" ", ExportStage.convertCommand("qcow2", src, Path.of("/o/i.qcow2"))))
                .isEqualTo("qemu-img convert -O qcow2 -c -f qcow2 /w/test.qcow2 /o/i.qcow2");
        assertThat(String.join(" ", ExportStage.convertCommand("raw", src, Path.of("/o/i.raw"))))
                .isEqualTo("qemu-img convert -O raw -f qcow2 /w/test.qcow2 /o/i.raw");
        assertThat(String.join(" ", ExportStage.convertCommand("vmdk", src, Path.of("/o/i.vmdk"))))
                .isEqualTo("qemu-img convert -O vmdk -o subformat=streamOptimized -f qcow2 /w/test.qcow2 /o/i.vmdk");
        assertThat(String.join(" ", ExportStage.convertCommand("vhd", Path.of("/w/a.raw"), Path.of("/o/i.vhd"))))
                .isEqualTo("qemu-img convert -O vpc -o subformat=fixed,force_size=on -f raw /w/a.raw /o/i.vhd");
    }

    @Test
    void vhdSizeIsRoundedUpToAWholeMebibyte() {
        assertThat(ExportStage.roundUpToMib(8L << 30)).isEqualTo(8L << 30);
        assertThat(ExportStage.roundUpToMib((8L << 30) + 1)).isEqualTo((8L << 30) + (1 << 20));
        assertThat(ExportStage.roundUpToMib(1)).isEqualTo(1 << 20);
    }
}
