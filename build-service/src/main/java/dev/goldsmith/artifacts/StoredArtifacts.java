package dev.goldsmith.artifacts;

import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.artifacts.persistence.ArtifactRecords;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Which image files of a build the control plane has verified in the object store. */
@Component
public class StoredArtifacts {

    private final ArtifactRecords records;

    StoredArtifacts(ArtifactRecords records) {
        this.records = records;
    }

    /** The artifacts this attempt stored and the control plane verified (size and SHA-256 of what landed). */
    public List<ArtifactView> verified(UUID buildId, int attempt) {
        return records.verified(buildId, attempt);
    }

    /** Where each verified file of the build lies in the store, by format. */
    public List<StoredArtifact> ofBuild(UUID buildId) {
        return records.stored(buildId);
    }
}
