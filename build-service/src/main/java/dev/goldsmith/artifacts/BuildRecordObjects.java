package dev.goldsmith.artifacts;

import dev.goldsmith.digests.Sha256;
import dev.goldsmith.problems.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Writes what a build leaves besides its image files into the bucket: its log, test report and SBOM. */
@Component
public class BuildRecordObjects {

    private final ObjectStore store;

    BuildRecordObjects(ObjectStore store) {
        this.store = store;
    }

    /** An object written here: its key, and the digest and size of exactly the bytes written. */
    public record Written(String key, String sha256, long size) {
    }

    /** Streams a build's log from a local file into the bucket. */
    public Written putLog(UUID buildId, Path log) {
        String key = ObjectKeys.buildLog(buildId);
        try {
            long size = Files.size(log);
            try (InputStream in = Files.newInputStream(log)) {
                store.putStream(key, in, size, "text/plain");
            }
            return new Written(key, Sha256.of(log), size);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("read " + log, e);
        } catch (ObjectStoreException e) {
            throw ApiException.unavailable("The object store did not answer (" + e.getMessage() + "); retry shortly.");
        }
    }

    public Written putTestReport(UUID buildId, String junitXml) {
        return put(ObjectKeys.testReport(buildId), junitXml.getBytes(StandardCharsets.UTF_8), "application/xml");
    }

    public Written putSbom(String imageName, byte[] spdxJson) {
        return put(ObjectKeys.sbom(imageName), spdxJson, "application/spdx+json");
    }

    private Written put(String key, byte[] bytes, String contentType) {
        try {
            store.putSmall(key, bytes, contentType);
        } catch (ObjectStoreException e) {
            throw ApiException.unavailable("The object store did not answer (" + e.getMessage() + "); retry shortly.");
        }
        return new Written(key, Sha256.of(bytes), bytes.length);
    }

}
