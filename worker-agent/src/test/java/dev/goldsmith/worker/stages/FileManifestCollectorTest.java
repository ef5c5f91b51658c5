package dev.goldsmith.worker.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldsmith.formats.FileManifest;
import dev.goldsmith.formats.FileManifest.Entry;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileManifestCollectorTest {

    private static final String SHA = "a".repeat(64);

    private static Map<String, Entry> parse(String output) throws Exception {
        return FileManifestCollector.parse(new BufferedReader(new StringReader(output)));
    }

    @Test
    void gnuFindOutputBecomesEntriesWithDigestsAndLinkTargets() throws Exception {
        var entries = parse("""
                @gnu
                d\t755\t0:0\t4096\t\t/etc
                f\t644\t0:0\t6\t\t/etc/hostname
                l\t777\t0:0\t7\tusr/bin\t/bin
                f\t600\t1000:1000\t3\t\t/home/admin/a\tfile
                @sha256
                %s  /etc/hostname
                %s  /home/admin/a\tfile
                """.formatted(SHA, "b".repeat(64)));

        assertThat(entries.get("/etc")).isEqualTo(new Entry("/etc", 'd', "755", "0:0", "-", "-"));
        assertThat(entries.get("/etc/hostname")).isEqualTo(new Entry("/etc/hostname", 'f', "644", "0:0", "6", SHA));
        assertThat(entries.get("/bin")).isEqualTo(new Entry("/bin", 'l', "777", "0:0", "7", "usr/bin"));
        assertThat(entries.get("/home/admin/a\tfile").content()).isEqualTo("b".repeat(64));
    }

    @Test
    void busyboxStatOutputBecomesTheSameEntries() throws Exception {
        var entries = parse("""
                @busybox
                directory\t755\t0:0\t4096\t\t/etc
                regular file\t644\t0:0\t6\t\t/etc/hostname
                regular empty file\t644\t0:0\t0\t\t/etc/empty
                symbolic link\t777\t0:0\t7\t\t/bin
                @links
                usr/bin\t/bin
                @sha256
                %s  /etc/hostname
                %s  /etc/empty
                """.formatted(SHA, "c".repeat(64)));

        assertThat(entries.get("/etc").type()).isEqualTo('d');
        assertThat(entries.get("/etc/hostname").content()).isEqualTo(SHA);
        assertThat(entries.get("/etc/empty")).isEqualTo(new Entry("/etc/empty", 'f', "644", "0:0", "0",
                "c".repeat(64)));
        assertThat(entries.get("/bin").content()).isEqualTo("usr/bin");
    }

    @Test
    void aManifestIsWrittenSortedAndReadBackExactlyEvenWithOddPaths() throws Exception {
        List<Entry> entries = List.of(new Entry("/z", 'f', "644", "0:0", "1", SHA),
                new Entry("/a\tb\nc\\d", 'l', "777", "0:0", "2", "x\ty"), new Entry("/etc", 'd', "755", "0:0", "-", "-"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        FileManifest.write(entries, out);

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().toList()).hasSize(4).first().isEqualTo(FileManifest.HEADER);
        assertThat(text.lines().skip(1).map(l -> l.substring(0, 2)).toList()).containsExactly("/a", "/e", "/z");
        var read = FileManifest.read(new ByteArrayInputStream(out.toByteArray()));
        assertThat(read.values()).containsExactlyInAnyOrderElementsOf(entries);
    }

    @Test
    void somethingThatIsNotAManifestIsRefused() {
        assertThatThrownBy(() -> FileManifest.read(new ByteArrayInputStream("hello\n".getBytes())))
                .hasMessageContaining("not a goldsmith file manifest");
        assertThatThrownBy(() -> FileManifest.read(new ByteArrayInputStream((FileManifest.HEADER + "\n/a\tf\n")
                .getBytes()))).hasMessageContaining("line 2");
    }
}
