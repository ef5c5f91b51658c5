package dev.goldsmith.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class JUnitReportTest {

    @Test
    void junitXmlHasOneTestcasePerCheckAndFailuresWithTheirOutput() throws Exception {
        String xml = JUnitReport.render("tiny", List.of(
                new CheckResult("uefi-boot", "test -d /sys/firmware/efi", 0, true, "", 12),
                new CheckResult("hostname", "hostname", 0, false, "expected web1 <&> got \u0001x", 3)));

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("2");
        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(2);
        assertThat(doc.getElementsByTagName("failure").item(0).getTextContent()).contains("expected web1 <&>");
    }
}
