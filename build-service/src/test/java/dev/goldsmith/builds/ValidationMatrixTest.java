package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Each field of a build request, broken one at a time: 4xx problem+json naming that field, nothing stored. */
class ValidationMatrixTest extends ServiceTest {

    private Api team;
    private long buildsBefore;

    @BeforeEach
    void setUp() {
        team = builder("alpha");
        buildsBefore = jdbc.sql("select count(*) from builds").query(Long.class).single();
    }

    @SuppressWarnings("unchecked")
    private static Consumer<Map<String, Object>> answer(String key, String value) {
        return body -> ((Map<String, Object>) body.get("answers")).put(key, value);
    }

    private static Consumer<Map<String, Object>> field(String name, Object value) {
        return body -> body.put(name, value);
    }

    static Stream<Arguments> brokenRequests() {
        return Stream.of(
                Arguments.of("distro", field("distro", "windows")),
                Arguments.of("distro", field("distro", null)),
                Arguments.of("profile", field("profile", "gaming")),
                Arguments.of("installer", field("installer", "../../etc/passwd")),
                Arguments.of("installer", field("installer", "not-registered")),
                Arguments.of("formats[1]", field("formats", List.of("qcow2", "iso"))),
                Arguments.of("formats[1]", field("formats", List.of("qcow2", "qcow2"))),
                Arguments.of("formats", field("formats", List.of())),
                Arguments.of("source", field("source", null)),
                Arguments.of("source.commit", field("source", Map.of("repository", "r", "commit", "HEAD"))),
                Arguments.of("source.repository", field("source", Map.of("repository", "a b; rm -rf /", "commit", "abcdef1"))),
                Arguments.of("tests", field("tests", "everything")),
                Arguments.of("channel", field("channel", "Prod$")),
                Arguments.of("priority", field("priority", 101)),
                Arguments.of("labels", field("labels", Map.of("../escape", "x"))),
                Arguments.of("labels.env", field("labels", Map.of("env", "a;b"))),
                Arguments.of("timeout", field("timeout", "forever")),
                Arguments.of("timeout", field("timeout", "P30D")),
                Arguments.of("accel", field("accel", "hvf")),
                Arguments.of("arch", field("arch", "riscv64")),
                Arguments.of("workerLabels[0]", field("workerLabels", List.of("Bad Label"))),
                Arguments.of("answers.KLDLOAD_HOSTNAME", answer("KLDLOAD_HOSTNAME", "web_1")),
                Arguments.of("answers.KLDLOAD_HOSTNAME", answer("KLDLOAD_HOSTNAME", "web1\nKLDLOAD_DISK=/dev/sdb")),
                Arguments.of("answers.KLDLOAD_HOSTNAME", answer("KLDLOAD_HOSTNAME", "a".repeat(64))),
                Arguments.of("answers.KLDLOAD_HOSTNAME", answer("KLDLOAD_HOSTNAME", "web\u202e1")),
                Arguments.of("answers.KLDLOAD_USERNAME", answer("KLDLOAD_USERNAME", "root")),
                Arguments.of("answers.KLDLOAD_DISK", answer("KLDLOAD_DISK", "/dev/../etc/shadow")),
                Arguments.of("answers.KLDLOAD_PASSWORD", answer("KLDLOAD_PASSWORD", "short")),
                Arguments.of("answers.KLDLOAD_TIMEZONE", answer("KLDLOAD_TIMEZONE", "../../../etc/passwd")),
                Arguments.of("answers.KLDLOAD_LOCALE", answer("KLDLOAD_LOCALE", "en_US.UTF-8; reboot")),
                Arguments.of("answers.KLDLOAD_NET_METHOD", answer("KLDLOAD_NET_METHOD", "carrier-pigeon")),
                Arguments.of("answers.KLDLOAD_ZFS_TOPOLOGY", answer("KLDLOAD_ZFS_TOPOLOGY", "raidz9")),
                Arguments.of("answers.KLDLOAD_ZFS_ENCRYPT", answer("KLDLOAD_ZFS_ENCRYPT", "yes")),
                Arguments.of("answers.KLDLOAD_ZFS_POOL", answer("KLDLOAD_ZFS_POOL", "mirror")),
                Arguments.of("answers.KLDLOAD_EXTRA_PACKAGES", answer("KLDLOAD_EXTRA_PACKAGES", "vim $(curl evil)")),
                Arguments.of("answers.KLDLOAD_EXPORT_FORMAT", answer("KLDLOAD_EXPORT_FORMAT", "qcow2")),
                Arguments.of("answers.KLDLOAD_NO_AUTO_REBOOT", answer("KLDLOAD_NO_AUTO_REBOOT", "1")),
                Arguments.of("answers.KLDLOAD_DISTRO", answer("KLDLOAD_DISTRO", "fedora")),
                Arguments.of("answers.KLDLOAD_SSH_PUBKEY", answer("KLDLOAD_SSH_PUBKEY", "ssh-ed25519 AAAA x")),
                Arguments.of("answers.KLDLOAD_NOT_A_KEY", answer("KLDLOAD_NOT_A_KEY", "1")),
                Arguments.of("answers", answer("PATH", "/tmp")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRequests")
    void brokenFieldIsRejectedByName(String expectedField, Consumer<Map<String, Object>> breakIt) {
        Map<String, Object> body = new java.util.HashMap<>(aBuildRequest().asMap());
        body.put("answers", new java.util.HashMap<>((Map<?, ?>) body.get("answers")));
        breakIt.accept(body);

        Api.Response response = team.post("/api/v1/builds", body);

        assertThat(response.status()).as(response.toString()).isEqualTo(422);
        assertThat(response.isProblem()).isTrue();
        assertThat(response.json().get("type").asString()).isEqualTo("https://goldsmith.dev/problems/validation");
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactly(expectedField);
        assertThat(jdbc.sql("select count(*) from builds").query(Long.class).single()).isEqualTo(buildsBefore);
    }

    @Test
    void unknownJsonFieldIsRejectedByName() {
        Map<String, Object> body = new java.util.HashMap<>(aBuildRequest().asMap());
        body.put("shell", "rm -rf /");

        Api.Response response = team.post("/api/v1/builds", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("shell");
    }

    @Test
    void wronglyTypedFieldIsRejectedByName() {
        Map<String, Object> body = new java.util.HashMap<>(aBuildRequest().asMap());
        body.put("priority", Map.of("deep", List.of(1, 2)));

        Api.Response response = team.post("/api/v1/builds", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("priority");
    }

    @Test
    void malformedJsonOversizeBodyAndWrongContentTypeAreProblems() {
        Api.Response malformed = team.postRaw("/api/v1/builds", "{\"distro\": ", "application/json");
        Api.Response huge = team.postRaw("/api/v1/builds", "{\"distro\": \"" + "x".repeat(100_000) + "\"}",
                "application/json");
        Api.Response xml = team.postRaw("/api/v1/builds", "<build/>", "application/xml");

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(huge.status()).isEqualTo(413);
        assertThat(xml.status()).isEqualTo(415);
        for (Api.Response response : List.of(malformed, huge, xml)) {
            assertThat(response.isProblem()).as(response.toString()).isTrue();
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.");
        }
    }

    @Test
    void manyBrokenFieldsAreAllNamedAtOnce() {
        Map<String, Object> body = new java.util.HashMap<>(aBuildRequest().asMap());
        body.put("distro", "windows");
        body.put("priority", -1);

        JsonNode errors = team.post("/api/v1/builds", body).json().get("errors");

        assertThat(errors).hasSize(2);
    }
}
