package dev.goldsmith.registry;

import dev.goldsmith.artifacts.ImageObjects;
import dev.goldsmith.artifacts.StoredArtifact;
import dev.goldsmith.artifacts.StoredArtifacts;
import dev.goldsmith.builds.BuildSucceeded;
import dev.goldsmith.provenance.ProvenanceSigner;
import dev.goldsmith.provenance.SignedProvenance;
import dev.goldsmith.provenance.Subject;
import dev.goldsmith.registry.persistence.ImageRecords;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns a succeeded build into an immutable image version: signs its provenance, records the version (and
 * promotes it when the build named a channel), then writes the envelope beside the files. It runs inside the
 * completing transaction, so when any step fails the build does not succeed either.
 */
@Component
class ImageRecorder {

    private static final Logger log = LoggerFactory.getLogger(ImageRecorder.class);

    private final StoredArtifacts artifacts;
    private final ProvenanceSigner signer;
    private final ImageRecords images;
    private final Channels channels;
    private final ImageObjects objects;

    ImageRecorder(StoredArtifacts artifacts, ProvenanceSigner signer, ImageRecords images, Channels channels,
            ImageObjects objects) {
        this.artifacts = artifacts;
        this.signer = signer;
        this.images = images;
        this.channels = channels;
        this.objects = objects;
    }

    @EventListener
    void record(BuildSucceeded build) {
        List<StoredArtifact> files = artifacts.ofBuild(build.buildId());
        SignedProvenance provenance = signer.sign(build,
                files.stream().map(f -> new Subject(f.fileName(), f.sha256())).toList());
        images.insert(new Image(build.imageName(), build.team(), build.distro(), build.profile(),
                build.installerName(), build.installerSha256(), build.darksite(),
                build.source().repository(), build.source().commit(), build.fingerprint(), build.buildId(), false,
                provenance.keyId(), build.finishedAt(), null, null, null), provenance.envelope());
        if (build.channel() != null) {
            channels.promoteBuild(build);
        }
        // Last: a store that fails rolls back the rows above, and no row ever names a missing envelope.
        String key = objects.putProvenance(build.imageName(), provenance.envelope());
        log.info("Image version {} recorded from build {} with {} file(s); provenance {} signed by {}",
                build.imageName(), build.buildId(), files.size(), key, provenance.keyId());
    }
}
