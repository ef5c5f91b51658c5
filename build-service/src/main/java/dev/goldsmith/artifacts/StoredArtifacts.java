package dev.goldsmith.artifacts;

import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.artifacts.persistence.ArtifactRecords;
import dev.goldsmith.digests.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Which image files of a build the control plane has verified in the object store. */
@Component
public class StoredArtifacts {

    private final ArtifactRecords records;
    private final ObjectStore store;

    StoredArtifacts(ArtifactRecords records, ObjectStore store) {
        this.records = records;
        this.store = store;
    }

    /** The artifacts this attempt stored and the control plane verified (size and SHA-256 of what landed). */
    public List<ArtifactView> verified(UUID buildId, int attempt) {
        return records.verified(buildId, attempt);
    }

    /**
     * Files a build stores beside its image that are not image files: the TEST stage's file manifest. A worker
     * may store them whatever formats the request asked for; they are not subjects of the provenance but its
     * byproducts, and not in the registry's list of the image's files.
     */
    public static final List<String> BYPRODUCTS = List.of("manifest");

    /** Where each verified image file of the build lies in the store, by format (byproducts left out). */
    public List<StoredArtifact> ofBuild(UUID buildId) {
        return records.stored(buildId).stream().filter(a -> !BYPRODUCTS.contains(a.format())).toList();
    }

    /** The build's verified byproduct of this format, if it stored one. */
    public java.util.Optional<StoredArtifact> byproduct(UUID buildId, String format) {
        return records.stored(buildId).stream().filter(a -> a.format().equals(format)).findFirst();
    }

    /**
     * The bytes of a verified file as they are read from the store (the caller closes the stream). A file the
     * store no longer holds is an {@link IOException}; a store that cannot be reached, a 503.
     */
    public InputStream open(StoredArtifact artifact) throws IOException {
        try {
            return store.open(artifact.objectKey());
        } catch (ObjectStoreException e) {
            if (e.isRejection()) {
                throw new IOException(artifact.objectKey() + " cannot be read from the store: " + e.getMessage(), e);
            }
            return VerifiedUploads.available(() -> {
                throw e;
            });
        }
    }

    /**
     * Copies a verified file out of the store into {@code target}, checking on the way that the bytes are still
     * the ones verified (size and SHA-256); a file that is not is deleted and refused.
     */
    public void copyTo(StoredArtifact artifact, Path target) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        long size = 0;
        try (InputStream in = open(artifact); OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                size += n;
            }
        }
        String sha256 = Sha256.hex(digest);
        if (size != artifact.size() || !sha256.equals(artifact.sha256())) {
            Files.deleteIfExists(target);
            throw new IOException(artifact.objectKey() + " no longer holds what was verified (" + size + " bytes, sha256 "
                    + sha256 + "; verified " + artifact.size() + " bytes, sha256 " + artifact.sha256() + ")");
        }
    }
}
