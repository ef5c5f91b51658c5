package dev.goldsmith.builds;

import dev.goldsmith.api.InstalledPackage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * An image's SBOM as an SPDX 2.3 JSON document: the image as the described package, containing every package the
 * TEST stage found installed, each with its package URL. The same build always gives the same bytes (packages
 * sorted, the creation time is the build's end), so the digest in the provenance is stable.
 */
final class SpdxDocuments {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Comparator<InstalledPackage> ORDER = Comparator.comparing(InstalledPackage::name)
            .thenComparing(p -> p.architecture() == null ? "" : p.architecture())
            .thenComparing(InstalledPackage::version);

    private SpdxDocuments() {
    }

    static byte[] render(String farmId, String imageName, String distro, Instant created,
            List<InstalledPackage> packages) {
        List<InstalledPackage> sorted = packages.stream().sorted(ORDER).toList();
        List<Map<String, Object>> described = new ArrayList<>();
        List<Map<String, Object>> relationships = new ArrayList<>();
        described.add(ordered("name", imageName, "SPDXID", "SPDXRef-Image", "downloadLocation", "NOASSERTION",
                "filesAnalyzed", false, "primaryPackagePurpose", "OPERATING-SYSTEM"));
        relationships.add(ordered("spdxElementId", "SPDXRef-DOCUMENT", "relationshipType", "DESCRIBES",
                "relatedSpdxElement", "SPDXRef-Image"));
        for (int i = 0; i < sorted.size(); i++) {
            InstalledPackage p = sorted.get(i);
            String id = "SPDXRef-Package-" + (i + 1);
            described.add(ordered("name", p.name(), "SPDXID", id, "versionInfo", p.version(),
                    "downloadLocation", "NOASSERTION", "filesAnalyzed", false,
                    "externalRefs", List.of(ordered("referenceCategory", "PACKAGE-MANAGER",
                            "referenceType", "purl", "referenceLocator", purl(distro, p)))));
            relationships.add(ordered("spdxElementId", "SPDXRef-Image", "relationshipType", "CONTAINS",
                    "relatedSpdxElement", id));
        }
        Map<String, Object> document = ordered(
                "spdxVersion", "SPDX-2.3",
                "dataLicense", "CC0-1.0",
                "SPDXID", "SPDXRef-DOCUMENT",
                "name", imageName,
                "documentNamespace", stripSlash(farmId) + "/images/" + imageName + "/sbom",
                "creationInfo", packages.isEmpty()
                        ? ordered("created", created.toString(), "creators", List.of("Tool: goldsmith"),
                                "comment", "The worker reported no package inventory for this image.")
                        : ordered("created", created.toString(), "creators", List.of("Tool: goldsmith")),
                "packages", described,
                "relationships", relationships);
        return JSON.writeValueAsBytes(document);
    }

    /** {@code pkg:deb/<distro>/<name>@<version>?arch=<arch>}, the epoch's colon percent-encoded as purl wants. */
    static String purl(String distro, InstalledPackage p) {
        String purl = "pkg:deb/" + distro + "/" + p.name() + "@" + URLEncoder.encode(p.version(), StandardCharsets.UTF_8);
        return p.architecture() == null ? purl : purl + "?arch=" + p.architecture();
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
