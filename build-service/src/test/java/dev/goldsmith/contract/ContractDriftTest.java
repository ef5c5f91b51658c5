package dev.goldsmith.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

/** The served API and the wire records must say exactly what openapi/goldsmith.yaml says. */
class ContractDriftTest extends ServiceTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private Map<String, Object> contract;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void loadContract() throws IOException {
        try (InputStream in = new ClassPathResource("openapi/goldsmith.yaml").getInputStream()) {
            contract = new Yaml().load(in);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyServedOperationIsInTheContractAndNothingMore() {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> info.getPatternValues().stream()
                .filter(path -> path.startsWith("/api/"))
                .forEach(path -> info.getMethodsCondition().getMethods()
                        .forEach(verb -> served.add(verb.name() + " " + path))));
        Set<String> documented = new TreeSet<>();
        ((Map<String, Map<String, Object>>) contract.get("paths")).forEach((path, operations) ->
                operations.keySet().forEach(verb -> documented.add(verb.toUpperCase() + " " + path)));

        assertThat(served).isEqualTo(documented);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyWireRecordHasTheFieldsOfItsSchema() {
        Map<String, Map<String, Object>> schemas = (Map<String, Map<String, Object>>)
                ((Map<String, Object>) contract.get("components")).get("schemas");
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(Record.class));
        Map<String, Set<String>> records = new TreeMap<>();
        scanner.findCandidateComponents("dev.goldsmith.api").forEach(candidate -> {
            try {
                Class<?> type = Class.forName(candidate.getBeanClassName());
                records.put(type.getSimpleName(), Arrays.stream(type.getRecordComponents())
                        .map(RecordComponent::getName).collect(Collectors.toCollection(TreeSet::new)));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        });
        Map<String, Set<String>> documented = new TreeMap<>();
        schemas.forEach((name, schema) -> {
            if (!name.equals("ProblemDetail")) {
                documented.put(name, new TreeSet<>(((Map<String, Object>) schema.getOrDefault("properties",
                        new HashMap<>())).keySet()));
            }
        });

        assertThat(records).isNotEmpty().isEqualTo(documented);
    }

    @Test
    void servedContractIsTheOneInTheOpenapiModule() throws IOException {
        String file;
        try (InputStream in = new ClassPathResource("openapi/goldsmith.yaml").getInputStream()) {
            file = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(anonymous().get("/api/v1/openapi.yaml").body()).isEqualTo(file);
    }
}
