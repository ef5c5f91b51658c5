package dev.goldsmith.worker.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class OvaAssemblerTest {

    @Test
    void ovaIsUstarWithOvfFirstThenManifestThenDiskAndTheManifestHashesMatch(@TempDir Path dir) throws Exception {
        Path vmdk = dir.resolve("disk.vmdk");
        Files.write(vmdk, "not really a vmdk, but bytes to hash".getBytes(StandardCharsets.UTF_8));
        Path ova = dir.resolve("img.ova");

        OvaAssembler.assemble("golden-debian-core-v20260404-a1b2c3d", vmdk, 8L << 30, ova);

        Map<String, byte[]> members = new LinkedHashMap<>();
        List<String> formats = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(ova))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                members.put(entry.getName(), tar.readAllBytes());
                formats.add(entry.isPaxHeader() ? "pax" : "ustar");
            }
        }
        String name = "golden-debian-core-v20260404-a1b2c3d";
        assertThat(members.keySet()).containsExactly(name + ".ovf", name + ".mf", name + "-disk1.vmdk");
        assertThat(formats).containsOnly("ustar");
        assertThat(Files.readAllBytes(ova).length % 512).isZero();
        assertThat(new String(Files.readAllBytes(ova), 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");

        String manifest = new String(members.get(name + ".mf"), StandardCharsets.UTF_8);
        assertThat(manifest).isEqualTo("SHA256(" + name + ".ovf)= " + sha(members.get(name + ".ovf")) + "\n"
                + "SHA256(" + name + "-disk1.vmdk)= " + sha(members.get(name + "-disk1.vmdk")) + "\n");

        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document ovf = factory.newDocumentBuilder().parse(new ByteArrayInputStream(members.get(name + ".ovf")));
        assertThat(ovf.getDocumentElement().getNamespaceURI()).isEqualTo("http://schemas.dmtf.org/ovf/envelope/1");
        Element file = (Element) ovf.getElementsByTagNameNS("http://schemas.dmtf.org/ovf/envelope/1", "File").item(0);
        assertThat(file.getAttributeNS("http://schemas.dmtf.org/ovf/envelope/1", "href")).isEqualTo(name + "-disk1.vmdk");
        assertThat(file.getAttributeNS("http://schemas.dmtf.org/ovf/envelope/1", "size"))
                .isEqualTo(Long.toString(Files.size(vmdk)));
        Element disk = (Element) ovf.getElementsByTagNameNS("http://schemas.dmtf.org/ovf/envelope/1", "Disk").item(0);
        assertThat(disk.getAttributeNS("http://schemas.dmtf.org/ovf/envelope/1", "capacity"))
                .isEqualTo(Long.toString(8L << 30));
    }

    private static String sha(byte[] bytes) throws Exception {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            return OvaAssembler.sha256(in);
        }
    }
}
