package dev.goldsmith.api;

import java.util.List;
import java.util.Locale;

/**
 * Smoke-test results as JUnit XML, the format CI dashboards read: one testcase per check, failures with the
 * check's output. Rendered the same way by the worker (its local report) and the control plane
 * ({@code GET /api/v1/builds/{id}/tests} with {@code Accept: application/xml}).
 */
public final class JUnitReport {

    private JUnitReport() {
    }

    public static String render(String suite, List<CheckResult> checks) {
        long failures = checks.stream().filter(c -> !c.passed()).count();
        double seconds = checks.stream().mapToLong(CheckResult::durationMs).sum() / 1000.0;
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite name=\"").append(escape(suite)).append("\" tests=\"").append(checks.size())
                .append("\" failures=\"").append(failures).append("\" errors=\"0\" time=\"")
                .append(String.format(Locale.ROOT, "%.3f", seconds)).append("\">\n");
        for (CheckResult check : checks) {
            xml.append("  <testcase classname=\"goldsmith.smoke.").append(escape(suite)).append("\" name=\"")
                    .append(escape(check.name())).append("\" time=\"")
                    .append(String.format(Locale.ROOT, "%.3f", check.durationMs() / 1000.0)).append("\">\n");
            if (!check.passed()) {
                xml.append("    <failure message=\"exit status ").append(check.exitStatus()).append("\">")
                        .append(escape(check.output())).append("</failure>\n");
            }
            xml.append("    <system-out>").append(escape("$ " + check.command() + "\n" + check.output()))
                    .append("</system-out>\n  </testcase>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    /**
     * Text as XML 1.0 may carry it: markup escaped, control characters other than newline and tab left out, and
     * what XML forbids outright (lone surrogates, U+FFFE, U+FFFF) replaced with U+FFFD.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\n', '\t' -> out.appendCodePoint(c);
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        return;
                    }
                    boolean allowed = c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF;
                    out.appendCodePoint(allowed ? c : 0xFFFD);
                }
            }
        });
        return out.toString();
    }
}
