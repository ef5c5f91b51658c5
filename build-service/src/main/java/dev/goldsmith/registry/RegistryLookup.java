package dev.goldsmith.registry;

import dev.goldsmith.api.ChannelView;
import dev.goldsmith.api.RegistryArtifact;
import dev.goldsmith.api.RegistryEntry;
import dev.goldsmith.artifacts.StoredArtifact;
import dev.goldsmith.artifacts.StoredArtifacts;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.registry.persistence.ChannelRecords;
import dev.goldsmith.registry.persistence.ImageRecords;
import dev.goldsmith.security.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What a channel points at, in the shape Terraform reads: the mutable name beside immutable per-version URLs. */
@Service
@Transactional(readOnly = true)
public class RegistryLookup {

    private final Channels channels;
    private final ChannelRecords records;
    private final ImageRecords images;
    private final StoredArtifacts artifacts;

    RegistryLookup(Channels channels, ChannelRecords records, ImageRecords images, StoredArtifacts artifacts) {
        this.channels = channels;
        this.records = records;
        this.images = images;
        this.artifacts = artifacts;
    }

    public RegistryEntry entry(Caller caller, String team, String distro, String profile, String channel,
            ImageUrls urls) {
        ChannelKey key = channels.key(caller, team, channel, distro, profile);
        ChannelView now = records.current(key).filter(c -> c.image() != null)
                .orElseThrow(() -> ApiException.notFound("Channel " + key.channel() + " of team " + key.team()
                        + " for " + key.distro() + "/" + key.profile() + " points at no image version."));
        Image image = images.find(now.image()).orElseThrow();
        Map<String, RegistryArtifact> files = new LinkedHashMap<>();
        for (StoredArtifact a : artifacts.ofBuild(image.buildId())) {
            files.put(a.format(), new RegistryArtifact(urls.artifact(image.name(), a.format()), a.sha256(), a.size()));
        }
        return new RegistryEntry(key.distro(), key.profile(), key.channel(), image.name(), image.name(),
                image.createdAt(), image.buildId(), files, urls.provenance(image.name()));
    }
}
