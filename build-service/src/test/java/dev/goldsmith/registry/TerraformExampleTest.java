package dev.goldsmith.registry;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Terraform cannot run here, so this replays what {@code deploy/terraform/examples/libvirt} makes it do: the
 * requests of its {@code data "http"} sources (read from the example, with its variables' defaults), the
 * conditions of their postconditions, every attribute the example reads from the decoded JSON, and the libvirt
 * provider fetching the volume {@code source} without a token.
 */
class TerraformExampleTest extends ServiceTest {

    private static final Path EXAMPLE = Path.of("..", "deploy", "terraform", "examples", "libvirt");
    /** What Terraform's providers are: Go's HTTP client, which follows redirects and sends no token of ours. */
    private static final HttpClient GO_LIKE = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private String main;
    private Map<String, String> variables;

    @BeforeEach
    void readExample() throws IOException {
        main = Files.readString(EXAMPLE.resolve("main.tf"));
        variables = defaults(Files.readString(EXAMPLE.resolve("variables.tf")));
    }

    @Test
    void examplePlansAgainstTheRegistryAndItsVolumeSourceDownloadsTheNamedBytes() throws Exception {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        String image = anImage(builder(team), aBuildRequest().withProfile(variables.get("profile")).build());
        as(team, "promoter").put("/api/v1/channels/" + variables.get("channel") + "/" + variables.get("distro") + "/"
                + variables.get("profile"), Map.of("image", image));
        variables.put("goldsmith_url", "http://127.0.0.1:" + port);
        variables.put("goldsmith_token", tokenFor(team, "reader"));

        HttpResponse<String> golden = send(dataHttpRequest("golden"), HttpResponse.BodyHandlers.ofString());
        assertThat(golden.statusCode()).as("postcondition of data.http.golden: %s", golden.body()).isEqualTo(200);
        JsonNode decoded = dev.goldsmith.support.Api.JSON.readTree(golden.body());
        Map<String, JsonNode> locals = Map.of("golden", decoded, "qcow2", decoded.get("artifacts").get("qcow2"));
        for (String reference : references(main, "local\\.(golden|qcow2)\\.([A-Za-z0-9_.]+)")) {
            String[] parts = reference.split("\\.", 2);
            assertThat(resolve(locals.get(parts[0]), parts[1])).as("local.%s in the decoded registry answer", reference)
                    .isNotNull();
        }
        JsonNode qcow2 = locals.get("qcow2");
        variables.put("local.qcow2.url", qcow2.get("url").asString());

        HttpResponse<Void> head = send(dataHttpRequest("golden_qcow2"), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).as("postcondition of data.http.golden_qcow2").isEqualTo(200);
        assertThat(head.headers().firstValue("ETag").orElse("").replace("\"", ""))
                .as("postcondition of data.http.golden_qcow2").isEqualTo(qcow2.get("sha256").asString());

        String source = qcow2.get("url").asString();
        HttpResponse<Void> size = send(HttpRequest.newBuilder(URI.create(source))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding());
        HttpResponse<byte[]> volume = send(HttpRequest.newBuilder(URI.create(source)).GET(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(size.headers().firstValueAsLong("Content-Length")).hasValue(qcow2.get("size").asLong());
        assertThat(volume.statusCode()).isEqualTo(200);
        assertThat(ImageFiles.sha256(volume.body())).isEqualTo(qcow2.get("sha256").asString());
        assertThat(decoded.get("name").asString()).isEqualTo(image);
    }

    @Test
    void exampleFailsItsPostconditionWhenTheChannelPointsAtNothing() throws Exception {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        variables.put("goldsmith_url", "http://127.0.0.1:" + port);
        variables.put("goldsmith_token", tokenFor(team, "reader"));

        HttpResponse<String> golden = send(dataHttpRequest("golden"), HttpResponse.BodyHandlers.ofString());

        assertThat(golden.statusCode()).isEqualTo(404);
        assertThat(main).contains("condition     = self.status_code == 200");
    }

    /** The request of {@code data "http" "<name>"}: its url, method and request_headers, interpolated. */
    private HttpRequest.Builder dataHttpRequest(String name) {
        Matcher block = Pattern.compile("data \"http\" \"" + name + "\" \\{(.*?)\\n}", Pattern.DOTALL).matcher(main);
        assertThat(block.find()).as("data.http.%s in main.tf", name).isTrue();
        String body = block.group(1);
        Matcher url = Pattern.compile("\\n  url\\s*=\\s*(\"[^\"]*\"|[a-z0-9_.]+)").matcher(body);
        assertThat(url.find()).isTrue();
        String target = url.group(1).startsWith("\"") ? interpolate(url.group(1).substring(1, url.group(1).length() - 1))
                : variables.get(url.group(1));
        Matcher method = Pattern.compile("\\n  method\\s*=\\s*\"([A-Z]+)\"").matcher(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target))
                .method(method.find() ? method.group(1) : "GET", HttpRequest.BodyPublishers.noBody());
        Matcher headers = Pattern.compile("request_headers\\s*=\\s*\\{(.*?)\\n  }", Pattern.DOTALL).matcher(body);
        if (headers.find()) {
            Matcher header = Pattern.compile("(\\w[\\w-]*)\\s*=\\s*\"([^\"]*)\"").matcher(headers.group(1));
            while (header.find()) {
                request.header(header.group(1), interpolate(header.group(2)));
            }
        }
        return request;
    }

    private String interpolate(String template) {
        Matcher reference = Pattern.compile("\\$\\{var\\.(\\w+)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (reference.find()) {
            String value = variables.get(reference.group(1));
            assertThat(value).as("var.%s", reference.group(1)).isNotNull();
            reference.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return reference.appendTail(out).toString();
    }

    private static Map<String, String> defaults(String variablesTf) {
        Map<String, String> defaults = new HashMap<>();
        Matcher variable = Pattern.compile("variable \"(\\w+)\" \\{(.*?)\\n}", Pattern.DOTALL).matcher(variablesTf);
        while (variable.find()) {
            Matcher value = Pattern.compile("default\\s*=\\s*\"?([^\"\\n]*)\"?").matcher(variable.group(2));
            if (value.find()) {
                defaults.put(variable.group(1), value.group(1));
            }
        }
        return defaults;
    }

    private static Set<String> references(String text, String pattern) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = Pattern.compile(pattern).matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1) + "." + matcher.group(2));
        }
        return found;
    }

    private static JsonNode resolve(JsonNode node, String path) {
        JsonNode at = node;
        for (String step : path.split("\\.")) {
            at = at == null ? null : at.get(step);
        }
        return at == null || at.isNull() ? null : at;
    }

    private String tokenFor(String team, String role) {
        return as(team, role).token();
    }

    private static <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        return GO_LIKE.send(request.timeout(Duration.ofSeconds(30)).build(), body);
    }
}
