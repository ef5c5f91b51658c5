package dev.goldsmith.contract;

import java.io.IOException;
import java.io.InputStream;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Serves the published contract from the {@code openapi} module, byte for byte. */
@RestController
class ContractController {

    static final String LOCATION = "openapi/goldsmith.yaml";

    @GetMapping(path = "/api/v1/openapi.yaml")
    ResponseEntity<byte[]> contract() throws IOException {
        try (InputStream in = new ClassPathResource(LOCATION).getInputStream()) {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/yaml")).body(in.readAllBytes());
        }
    }
}
