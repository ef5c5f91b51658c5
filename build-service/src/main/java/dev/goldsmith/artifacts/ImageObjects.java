package dev.goldsmith.artifacts;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.problems.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * What the registry needs of the bucket: the version's provenance written beside its files, and short-lived
 * download URLs. A store that cannot be reached is a 503 the caller may retry.
 */
@Component
public class ImageObjects {

    private final ObjectStore store;
    private final RecentlySignedUrls presigned;

    ImageObjects(ObjectStore store, GoldsmithProperties properties, Clock clock) {
        this.store = store;
        Duration expiry = properties.artifacts().downloadUrlExpiry();
        this.presigned = new RecentlySignedUrls(expiry, clock, key -> store.presignGet(key, expiry));
    }

    /** Writes {@code images/<name>/<name>.provenance.json} and returns its key. */
    public String putProvenance(String imageName, String envelope) {
        String key = ObjectKeys.provenance(imageName);
        available(() -> {
            store.putSmall(key, envelope.getBytes(StandardCharsets.UTF_8), "application/json");
            return null;
        });
        return key;
    }

    /**
     * A presigned GET of the object, valid for at least half of {@code goldsmith.artifacts.download-url-expiry}
     * (a URL signed less than half its life ago is handed out again).
     */
    public String downloadUrl(String objectKey) {
        return available(() -> presigned.get(objectKey));
    }

    /** A presigned GET of the version's SBOM ({@code images/<name>/<name>.spdx.json}). */
    public String sbomDownloadUrl(String imageName) {
        return downloadUrl(ObjectKeys.sbom(imageName));
    }

    /** The version's SBOM as stored ({@code images/<name>/<name>.spdx.json}), at most {@code maxBytes}. */
    public byte[] readSbom(String imageName, int maxBytes) {
        return available(() -> {
            try (java.io.InputStream in = store.open(ObjectKeys.sbom(imageName))) {
                byte[] bytes = in.readNBytes(maxBytes + 1);
                if (bytes.length > maxBytes) {
                    throw new IllegalStateException("the SBOM of " + imageName + " has more than " + maxBytes
                            + " bytes");
                }
                return bytes;
            } catch (java.io.IOException e) {
                throw new ObjectStoreException(null, "read the SBOM of " + imageName + ": " + e.getMessage(), e);
            }
        });
    }

    private static <T> T available(Supplier<T> call) {
        try {
            return call.get();
        } catch (ObjectStoreException e) {
            throw ApiException.unavailable("The object store did not answer (" + e.getMessage() + "); retry shortly.");
        }
    }
}
