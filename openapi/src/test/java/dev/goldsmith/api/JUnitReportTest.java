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

    @Test
    void charactersXmlForbidsNeverReachTheReportWhateverAGuestPrinted() throws Exception {
        String hostile = "nul\u0000 bell\u0007 cr\r noncharacters \uFFFE\uFFFF lone \uD800 and \uDC00 pair \uD83D\uDE08";
        String xml = JUnitReport.render("golden", List.of(new CheckResult("check \uFFFF", hostile, 1, false, hostile, 1)));

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        String failure = doc.getElementsByTagName("failure").item(0).getTextContent();
        assertThat(failure).isEqualTo("nul bell cr noncharacters \uFFFD\uFFFD lone \uFFFD and \uFFFD pair \uD83D\uDE08");
        assertThat(xml).doesNotContain("\u0000", "\uFFFE", "\uFFFF");
    }
}
