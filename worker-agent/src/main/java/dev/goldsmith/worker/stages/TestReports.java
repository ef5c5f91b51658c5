package dev.goldsmith.worker.stages;

import dev.goldsmith.api.CheckResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/** The TEST stage's results as files: JUnit XML (for CI dashboards) and JSON, one entry per check. */
public final class TestReports {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestReports() {
    }

    public static void write(Path dir, String suite, List<CheckResult> checks) throws IOException {
        Files.writeString(dir.resolve("tests.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(checks),
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tests.xml"), junitXml(suite, checks), StandardCharsets.UTF_8);
    }

    public static String junitXml(String suite, List<CheckResult> checks) {
        long failures = checks.stream().filter(c -> !c.passed()).count();
        double seconds = checks.stream().mapToLong(CheckResult::durationMs).sum() / 1000.0;
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite name=\"").append(escape(suite)).append("\" tests=\"").append(checks.size())
                .append("\" failures=\"").append(failures).append("\" errors=\"0\" time=\"")
                .append(String.format(java.util.Locale.ROOT, "%.3f", seconds)).append("\">\n");
        for (CheckResult check : checks) {
            xml.append("  <testcase classname=\"goldsmith.smoke.").append(escape(suite)).append("\" name=\"")
                    .append(escape(check.name())).append("\" time=\"")
                    .append(String.format(java.util.Locale.ROOT, "%.3f", check.durationMs() / 1000.0)).append("\">\n");
            if (!check.passed()) {
                xml.append("    <failure message=\"exit status ").append(check.exitStatus()).append("\">")
                        .append(escape(check.output())).append("</failure>\n");
            }
            xml.append("    <system-out>").append(escape("$ " + check.command() + "\n" + check.output()))
                    .append("</system-out>\n  </testcase>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
