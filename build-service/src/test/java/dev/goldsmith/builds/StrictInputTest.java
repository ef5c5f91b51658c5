package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A value of the wrong JSON type is refused with problem+json naming the field, never converted: the contract
 * says integer, string or boolean, and a body that bends it stores nothing.
 */
class StrictInputTest extends ServiceTest {

    private Api builder;
    private long buildsBefore;

    @BeforeEach
    void aBuilder() {
        builder = builder("strict");
        buildsBefore = jdbc.sql("select count(*) from builds").query(Long.class).single();
    }

    @ParameterizedTest(name = "{0}: {1} is refused naming {2}")
    @CsvSource(delimiter = '|', value = {
            "priority | 1.5 | priority",
            "priority | '\"\"' | priority",
            "priority | '\"\\u0000\"' | priority",
            "priority | '\"7\"' | priority",
            "priority | true | priority",
            "channel | true | channel",
            "channel | 5 | channel",
            "distro | 1.0 | distro",
            "force | '\"true\"' | force",
            "force | 1 | force",
            "formats | '[\"qcow2\", 7]' | formats[1]",
            "labels | '{\"team\": 3}' | labels.team",
            "answers | '{\"KLDLOAD_HOSTNAME\": false}' | answers.KLDLOAD_HOSTNAME",
    })
    void aValueOfTheWrongTypeIsNotConverted(String field, String literal, String named) {
        Api.Response refused = builder.postRaw("/api/v1/builds", bodyWith(field, literal), "application/json");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo(named);
        assertThat(jdbc.sql("select count(*) from builds").query(Long.class).single()).isEqualTo(buildsBefore);
    }

    @ParameterizedTest(name = "{0} given twice is refused naming {1}")
    @CsvSource(delimiter = '|', value = {
            "'{\"distro\": \"ubuntu\",' | distro",
            "'{\"priority\": 9,' | priority",
            "'\"answers\": {\"KLDLOAD_HOSTNAME\": \"twice\",' | answers.KLDLOAD_HOSTNAME",
    })
    void aKeyGivenTwiceIsRefusedNotTakenLastOneWins(String prefix, String named) {
        String body = Api.JSON.writeValueAsString(aBuildRequest().asMap());
        String twice = prefix.startsWith("{") ? body.replaceFirst("\\{", java.util.regex.Matcher.quoteReplacement(prefix))
                : body.replace("\"answers\":{", prefix);
        assertThat(twice).isNotEqualTo(body);

        Api.Response refused = builder.postRaw("/api/v1/builds", twice, "application/json");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo(named);
        assertThat(refused.json().get("detail").asString()).contains("more than once");
        assertThat(jdbc.sql("select count(*) from builds").query(Long.class).single()).isEqualTo(buildsBefore);
    }

    /** The request with {@code field} set to the raw JSON {@code literal}. */
    private static String bodyWith(String field, String literal) {
        Map<String, Object> request = aBuildRequest().asMap();
        request.put(field, Map.of("placeholder", "x"));
        String body = Api.JSON.writeValueAsString(request);
        return body.replace("{\"placeholder\":\"x\"}", literal);
    }
}
