package dev.goldsmith.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * An in-toto Statement v1 with an SLSA Provenance v1 predicate, field for field as the specifications name
 * them (https://in-toto.io/Statement/v1, https://slsa.dev/spec/v1.0/provenance).
 */
record Statement(
        @JsonProperty("_type") String type,
        List<ResourceDescriptor> subject,
        String predicateType,
        Predicate predicate) {

    static final String TYPE = "https://in-toto.io/Statement/v1";
    static final String SLSA_PROVENANCE = "https://slsa.dev/provenance/v1";

    record Predicate(BuildDefinition buildDefinition, RunDetails runDetails) {
    }

    record BuildDefinition(
            String buildType,
            Map<String, Object> externalParameters,
            Map<String, Object> internalParameters,
            List<ResourceDescriptor> resolvedDependencies) {
    }

    record RunDetails(Builder builder, Metadata metadata, List<ResourceDescriptor> byproducts) {
    }

    record Builder(String id) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Metadata(String invocationId, String startedOn, String finishedOn) {
    }

    /** in-toto ResourceDescriptor: at least one of uri and digest is set; absent fields are left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ResourceDescriptor(
            String name,
            String uri,
            Map<String, String> digest,
            String mediaType,
            Map<String, Object> annotations) {
    }
}
