package dev.goldsmith.registry;

import dev.goldsmith.api.FileChanges;
import dev.goldsmith.api.ImageDiff;
import dev.goldsmith.api.InputChange;
import dev.goldsmith.api.PackageChange;
import dev.goldsmith.api.PackageChanges;
import dev.goldsmith.artifacts.ImageObjects;
import dev.goldsmith.artifacts.StoredArtifact;
import dev.goldsmith.artifacts.StoredArtifacts;
import dev.goldsmith.builds.BuildQueries;
import dev.goldsmith.formats.FileManifest;
import dev.goldsmith.installers.PackageSets;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.security.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The diff of two image versions, which is the changelog: their fingerprint inputs, their SBOMs' packages and
 * their file manifests, compared. Both must be visible to the caller (else 404, as for any image).
 */
@Service
public class ImageDiffs {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ImageDiffs.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_SBOM = 64 << 20;

    private final ImageCatalog catalog;
    private final BuildQueries builds;
    private final ImageObjects objects;
    private final StoredArtifacts artifacts;

    ImageDiffs(ImageCatalog catalog, BuildQueries builds, ImageObjects objects, StoredArtifacts artifacts) {
        this.catalog = catalog;
        this.builds = builds;
        this.objects = objects;
        this.artifacts = artifacts;
    }

    public ImageDiff diff(Caller caller, String name, String against) {
        if (against == null || against.isBlank()) {
            throw ApiException.invalid("against", "is required: the image version to compare with");
        }
        Image to = catalog.visible(caller, name);
        Image from = catalog.visible(caller, against);
        List<InputChange> inputs = builds.inputChanges(from.buildId(), to.buildId());
        PackageChanges packages = PackageSets.changes(sbomVersions(from), sbomVersions(to));
        FileChanges files = manifest(from).flatMap(before -> manifest(to).map(after -> files(before, after)))
                .orElse(null);
        return new ImageDiff(from.name(), to.name(), inputs, packages, files);
    }

    /** The packages of the version's SBOM, name to version (a package of several architectures as name:arch). */
    private Map<String, String> sbomVersions(Image image) {
        JsonNode document = JSON.readTree(objects.readSbom(image.name(), MAX_SBOM));
        List<String[]> packages = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode p : document.path("packages")) {
            if ("SPDXRef-Image".equals(p.path("SPDXID").asString()) || !p.has("versionInfo")) {
                continue;
            }
            String name = p.path("name").asString();
            String arch = "";
            for (JsonNode ref : p.path("externalRefs")) {
                String locator = ref.path("referenceLocator").asString();
                int at = locator.indexOf("?arch=");
                if (at >= 0) {
                    arch = locator.substring(at + "?arch=".length());
                }
            }
            packages.add(new String[] {name, arch, p.path("versionInfo").asString()});
            seen.merge(name, 1, Integer::sum);
        }
        Map<String, String> versions = new TreeMap<>();
        for (String[] p : packages) {
            versions.put(seen.get(p[0]) > 1 && !p[1].isEmpty() ? p[0] + ":" + p[1] : p[0], p[2]);
        }
        return versions;
    }

    private Optional<Map<String, FileManifest.Entry>> manifest(Image image) {
        Optional<StoredArtifact> stored = artifacts.byproduct(image.buildId(), "manifest");
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = artifacts.open(stored.get())) {
            return Optional.of(FileManifest.read(in));
        } catch (IOException | IllegalArgumentException e) {
            // Compared as "no manifest" (files: null), and said here: the diff of packages and inputs still holds.
            log.warn("The file manifest of {} cannot be read, so its diff leaves files out: {}", image.name(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    static FileChanges files(Map<String, FileManifest.Entry> before, Map<String, FileManifest.Entry> after) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        long bytes = 0;
        for (FileManifest.Entry entry : after.values()) {
            FileManifest.Entry was = before.get(entry.path());
            if (was == null) {
                added.add(entry.path());
            } else if (!was.sameAs(entry)) {
                changed.add(entry.path());
            } else {
                continue;
            }
            if (entry.type() == 'f') {
                bytes += entry.bytes();
            }
        }
        before.keySet().stream().filter(path -> !after.containsKey(path)).forEach(removed::add);
        return new FileChanges(added, removed, changed, bytes);
    }

    /** The diff as a changelog to read: one line per change, packages first, then inputs, then files. */
    public static String changelog(ImageDiff diff) {
        StringBuilder text = new StringBuilder();
        text.append(diff.from()).append(" -> ").append(diff.to()).append('\n');
        PackageChanges p = diff.packages();
        for (PackageChange c : p.upgraded()) {
            text.append("package upgraded   ").append(c.name()).append(' ').append(c.from()).append(" -> ")
                    .append(c.to()).append('\n');
        }
        for (PackageChange c : p.downgraded()) {
            text.append("package downgraded ").append(c.name()).append(' ').append(c.from()).append(" -> ")
                    .append(c.to()).append('\n');
        }
        p.added().forEach(a -> text.append("package added      ").append(a).append('\n'));
        p.removed().forEach(r -> text.append("package removed    ").append(r).append('\n'));
        for (InputChange c : diff.inputs()) {
            text.append("input ").append(c.field()).append(": ").append(c.from() == null ? "(unset)" : c.from())
                    .append(" -> ").append(c.to() == null ? "(unset)" : c.to()).append('\n');
        }
        FileChanges f = diff.files();
        if (f == null) {
            text.append("files: not compared (an image has no file manifest)\n");
        } else {
            f.added().forEach(path -> text.append("file added   ").append(path).append('\n'));
            f.removed().forEach(path -> text.append("file removed ").append(path).append('\n'));
            f.changed().forEach(path -> text.append("file changed ").append(path).append('\n'));
            text.append("files: ").append(f.added().size()).append(" added, ").append(f.removed().size())
                    .append(" removed, ").append(f.changed().size()).append(" changed, ").append(f.bytes())
                    .append(" bytes in added or changed files\n");
        }
        return text.toString();
    }
}
