package dev.goldsmith.registry;

import dev.goldsmith.api.ChannelRef;
import dev.goldsmith.api.ImageArtifact;
import dev.goldsmith.api.ImagePage;
import dev.goldsmith.api.ImageSummary;
import dev.goldsmith.api.ImageView;
import dev.goldsmith.api.Source;
import dev.goldsmith.artifacts.ImageObjects;
import dev.goldsmith.artifacts.StoredArtifact;
import dev.goldsmith.artifacts.StoredArtifacts;
import dev.goldsmith.builds.BuildDefaults;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.registry.persistence.ChannelRecords;
import dev.goldsmith.registry.persistence.ImageRecords;
import dev.goldsmith.security.Caller;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads image versions for the API, each within what the caller may see: its team's versions, shared ones and
 * those its channels point at (admin: all). Anything else is "not found", not "forbidden".
 */
@Service
@Transactional(readOnly = true)
public class ImageCatalog {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,159}");

    private final ImageRecords images;
    private final ChannelRecords channels;
    private final StoredArtifacts artifacts;
    private final ImageObjects objects;
    private final DownloadLinks links;

    ImageCatalog(ImageRecords images, ChannelRecords channels, StoredArtifacts artifacts, ImageObjects objects,
            DownloadLinks links) {
        this.images = images;
        this.channels = channels;
        this.artifacts = artifacts;
        this.objects = objects;
        this.links = links;
    }

    public ImagePage list(Caller caller, String distro, String profile, Integer limit, String cursor) {
        if (distro != null && !BuildDefaults.DISTROS.contains(distro)) {
            throw ApiException.invalid("distro", "must be one of " + String.join(", ", BuildDefaults.DISTROS));
        }
        if (profile != null && !BuildDefaults.PROFILES.contains(profile)) {
            throw ApiException.invalid("profile", "must be one of " + String.join(", ", BuildDefaults.PROFILES));
        }
        int pageSize = limit == null ? 50 : limit;
        if (pageSize < 1 || pageSize > 200) {
            throw ApiException.invalid("limit", "must be between 1 and 200");
        }
        Cursor after = cursor == null ? null : Cursor.decode(cursor);
        List<Image> found = images.page(caller.team(), caller.isAdmin(), distro, profile,
                after == null ? null : after.createdAt(), after == null ? null : after.name(), pageSize + 1);
        List<Image> page = found.size() > pageSize ? found.subList(0, pageSize) : found;
        Map<String, List<ChannelRef>> refs = channels.pointingAt(page.stream().map(Image::name).toList(),
                channelTeam(caller));
        List<ImageSummary> items = page.stream()
                .map(i -> new ImageSummary(i.name(), i.team(), i.distro(), i.profile(), i.shared(), i.revoked(),
                        i.buildId(), i.createdAt(), refs.get(i.name())))
                .toList();
        String next = found.size() > pageSize ? new Cursor(page.getLast().createdAt(), page.getLast().name()).encode()
                : null;
        return new ImagePage(items, next);
    }

    public ImageView view(Caller caller, String name, ImageUrls urls) {
        return view(caller, visible(caller, name), urls);
    }

    ImageView view(Caller caller, Image image, ImageUrls urls) {
        List<ImageArtifact> files = artifacts.ofBuild(image.buildId()).stream()
                .map(a -> new ImageArtifact(a.format(), a.fileName(), urls.artifact(image.name(), a.format()),
                        a.sha256(), a.size(), urls.checksum(image.name(), a.format())))
                .toList();
        List<ChannelRef> refs = channels.pointingAt(List.of(image.name()), channelTeam(caller)).get(image.name());
        return new ImageView(image.name(), image.team(), image.distro(), image.profile(), image.installer(),
                image.installerSha256(), image.darksite(),
                new Source(image.sourceRepository(), image.sourceCommit()), image.fingerprint(), image.buildId(),
                image.shared(), image.createdAt(), image.revoked(), image.revokedAt(), image.revokedBy(),
                image.revokeReason(), refs, files, urls.provenance(image.name()), image.provenanceKeyId());
    }

    /** The DSSE envelope of the version, as stored. */
    public String provenance(Caller caller, String name) {
        visible(caller, name);
        return images.provenance(name).orElseThrow();
    }

    /** A presigned download URL of one file of the version. */
    public String downloadUrl(Caller caller, String name, String format) {
        return objects.downloadUrl(file(caller, name, format).objectKey());
    }

    /**
     * The file a download link names, for anyone holding the link: {@code 404} for a link this farm did not make
     * (or a file that is gone), {@code 410} once its version is revoked.
     */
    public LinkedFile linkedFile(String capability, String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 1 || !links.grants(capability, fileName)) {
            throw ApiException.notFound("No download link " + fileName + ".");
        }
        String name = fileName.substring(0, dot);
        Image image = images.find(name).orElseThrow(() -> notFound(name));
        if (image.revoked()) {
            throw ApiException.revoked("Image version " + name + " was revoked: " + image.revokeReason(),
                    image.revokeReason());
        }
        StoredArtifact file = artifacts.ofBuild(image.buildId()).stream()
                .filter(a -> a.fileName().equals(fileName))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("Image version " + name + " has no file " + fileName + "."));
        return new LinkedFile(file.sha256(), file.size(), image.createdAt(), objects.downloadUrl(file.objectKey()));
    }

    /** What a download link serves: the file's digest and size, and a presigned URL of its bytes. */
    public record LinkedFile(String sha256, long size, Instant created, String presignedUrl) {
    }

    /** A presigned download URL of the version's SBOM. */
    public String sbomUrl(Caller caller, String name) {
        return objects.sbomDownloadUrl(visible(caller, name).name());
    }

    /** A presigned download URL of the version's file manifest (what the TEST stage found installed). */
    public String manifestUrl(Caller caller, String name) {
        Image image = visible(caller, name);
        StoredArtifact manifest = artifacts.byproduct(image.buildId(), "manifest")
                .orElseThrow(() -> ApiException.notFound("Image version " + name + " has no file manifest (its "
                        + "worker stored none)."));
        return objects.downloadUrl(manifest.objectKey());
    }

    /** The file's line in {@code sha256sum} format. */
    public String checksumLine(Caller caller, String name, String format) {
        StoredArtifact file = file(caller, name, format);
        return file.sha256() + "  " + file.fileName() + "\n";
    }

    /** The version if the caller may see it. */
    Image visible(Caller caller, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw notFound(name);
        }
        return images.findVisible(name, caller.team(), caller.isAdmin()).orElseThrow(() -> notFound(name));
    }

    static ApiException notFound(String name) {
        return ApiException.notFound("No image version " + name + ".");
    }

    private StoredArtifact file(Caller caller, String name, String format) {
        Image image = visible(caller, name);
        return artifacts.ofBuild(image.buildId()).stream()
                .filter(a -> a.format().equals(format))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("Image version " + name + " has no " + format + " file."));
    }

    /** Admin sees every team's channels; everybody else their own team's. */
    private static String channelTeam(Caller caller) {
        return caller.isAdmin() ? null : caller.team();
    }

    /** Position in the list: the last version of the previous page. */
    record Cursor(Instant createdAt, String name) {

        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((createdAt + "|" + name).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = raw.indexOf('|');
                return new Cursor(Instant.parse(raw.substring(0, bar)), raw.substring(bar + 1));
            } catch (RuntimeException e) {
                throw ApiException.invalid("cursor", "is not a cursor this API returned");
            }
        }
    }
}
