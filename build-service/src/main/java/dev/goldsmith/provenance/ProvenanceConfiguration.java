package dev.goldsmith.provenance;

import dev.goldsmith.GoldsmithProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The provenance key: {@code goldsmith.provenance.private-key-file} when set (it must exist), else
 * {@code <dataDir>/keys/provenance-ed25519.pem}, generated at first start.
 */
@Configuration(proxyBeanMethods = false)
class ProvenanceConfiguration {

    static final String GENERATED_KEY = "keys/provenance-ed25519.pem";
    private static final Logger log = LoggerFactory.getLogger(ProvenanceConfiguration.class);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    @Bean
    ProvenanceKey provenanceKey(GoldsmithProperties properties) {
        Path configured = properties.provenance().privateKeyFile();
        ProvenanceKey key;
        Path file;
        if (configured != null && !configured.toString().isBlank()) {
            file = configured;
            key = ProvenanceKey.load(file);
        } else {
            file = properties.dataDir().resolve(GENERATED_KEY);
            key = ProvenanceKey.loadOrGenerate(file);
        }
        warnIfOthersCanRead(file);
        log.info("Provenance signing key {} (keyid {})", file, key.keyId());
        return key;
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            permissions.retainAll(OTHERS);
            if (!permissions.isEmpty()) {
                log.warn("Provenance key {} is readable or writable by others ({}); chmod 600 it", file, permissions);
            }
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("Cannot read the permissions of {}: {}", file, e.getMessage());
        }
    }
}
