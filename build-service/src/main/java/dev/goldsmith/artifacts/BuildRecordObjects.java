package dev.goldsmith.artifacts;

import dev.goldsmith.problems.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

    public Written putLog(UUID buildId, byte[] log) {
        return put(ObjectKeys.buildLog(buildId), log, "text/plain");
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
        return new Written(key, sha256(bytes), bytes.length);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
