package dev.goldsmith.registry;

import dev.goldsmith.api.RegistryArtifact;
import dev.goldsmith.api.RegistryEntry;
import dev.goldsmith.artifacts.StoredArtifact;
import dev.goldsmith.artifacts.StoredArtifacts;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.registry.persistence.ImageRecords;
import dev.goldsmith.security.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * What a channel or a pinned version resolves to, in the shape Terraform reads: the mutable channel beside
 * immutable per-version URLs. File URLs are download links, fetchable without a bearer token. No transaction:
 * the channel and its version come from one statement, and a version's files never change.
 */
@Service
public class RegistryLookup {

    private final Channels channels;
    private final ImageRecords images;
    private final ImageCatalog catalog;
    private final StoredArtifacts artifacts;
    private final DownloadLinks links;

    RegistryLookup(Channels channels, ImageRecords images, ImageCatalog catalog, StoredArtifacts artifacts,
            DownloadLinks links) {
        this.channels = channels;
        this.images = images;
        this.catalog = catalog;
        this.artifacts = artifacts;
        this.links = links;
    }

    public RegistryEntry entry(Caller caller, String team, String distro, String profile, String channel,
            ImageUrls urls) {
        ChannelKey key = channels.key(caller, team, channel, distro, profile);
        Image image = images.findByChannel(key.team(), key.channel(), key.distro(), key.profile())
                .orElseThrow(() -> ApiException.notFound("Channel " + key.channel() + " of team " + key.team()
                        + " for " + key.distro() + "/" + key.profile() + " points at no image version."));
        return entry(image, key.channel(), urls);
    }

    /** A version pinned by name; {@code 410} once it is revoked, so a plan that pins it fails loudly. */
    public RegistryEntry version(Caller caller, String name, ImageUrls urls) {
        Image image = catalog.visible(caller, name);
        if (image.revoked()) {
            throw ApiException.revoked("Image version " + name + " was revoked: " + image.revokeReason(),
                    image.revokeReason());
        }
        return entry(image, null, urls);
    }

    private RegistryEntry entry(Image image, String channel, ImageUrls urls) {
        Map<String, RegistryArtifact> files = new LinkedHashMap<>();
        for (StoredArtifact a : artifacts.ofBuild(image.buildId())) {
            files.put(a.format(), new RegistryArtifact(urls.download(links.capability(a.fileName()), a.fileName()),
                    a.sha256(), a.size()));
        }
        return new RegistryEntry(image.distro(), image.profile(), channel, image.name(), image.name(),
                image.createdAt(), image.buildId(), files, urls.provenance(image.name()), urls.version(image.name()));
    }
}
