package dev.goldsmith.registry.web;

import dev.goldsmith.api.ImageDiff;
import dev.goldsmith.api.ImagePage;
import dev.goldsmith.api.ImageView;
import dev.goldsmith.api.RevokeRequest;
import dev.goldsmith.api.ShareRequest;
import dev.goldsmith.registry.ImageCatalog;
import dev.goldsmith.registry.ImageDiffs;
import dev.goldsmith.registry.Revocations;
import dev.goldsmith.registry.Sharing;
import dev.goldsmith.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Image versions: list and detail, signed provenance, file downloads by redirect (files, SBOM, file manifest),
 * diffs, revocation and sharing.
 */
@RestController
class ImageController {

    private final ImageCatalog catalog;
    private final Revocations revocations;
    private final Sharing sharing;
    private final BaseUrls baseUrls;
    private final ImageDiffs diffs;

    ImageController(ImageCatalog catalog, Revocations revocations, Sharing sharing, BaseUrls baseUrls,
            ImageDiffs diffs) {
        this.diffs = diffs;
        this.catalog = catalog;
        this.revocations = revocations;
        this.sharing = sharing;
        this.baseUrls = baseUrls;
    }

    @GetMapping("/api/v1/images")
    ImagePage list(@RequestParam(required = false) String distro,
            @RequestParam(required = false) String profile,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return catalog.list(Caller.current(), distro, profile, limit, cursor);
    }

    @GetMapping("/api/v1/images/{name}")
    ImageView get(@PathVariable String name, HttpServletRequest request) {
        return catalog.view(Caller.current(), name, baseUrls.of(request));
    }

    /** The stored envelope, byte for byte. */
    @GetMapping("/api/v1/images/{name}/provenance")
    ResponseEntity<String> provenance(@PathVariable String name) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(catalog.provenance(Caller.current(), name));
    }

    /** A redirect to a presigned URL that is never cached: it expires within minutes. */
    @GetMapping("/api/v1/images/{name}/artifacts/{format}")
    ResponseEntity<Void> download(@PathVariable String name, @PathVariable String format) {
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(URI.create(catalog.downloadUrl(Caller.current(), name, format)))
                .cacheControl(CacheControl.noStore())
                .build();
    }

    /** A redirect to the SBOM (SPDX 2.3 JSON) the provenance names by digest. */
    @GetMapping("/api/v1/images/{name}/sbom")
    ResponseEntity<Void> sbom(@PathVariable String name) {
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(URI.create(catalog.sbomUrl(Caller.current(), name)))
                .cacheControl(CacheControl.noStore())
                .build();
    }

    /** A redirect to the file manifest of the installed system the provenance names by digest. */
    @GetMapping("/api/v1/images/{name}/manifest")
    ResponseEntity<Void> manifest(@PathVariable String name) {
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(URI.create(catalog.manifestUrl(Caller.current(), name)))
                .cacheControl(CacheControl.noStore())
                .build();
    }

    /** The diff against another version: JSON, or with {@code Accept: text/plain} a changelog to read. */
    @GetMapping("/api/v1/images/{name}/diff")
    ResponseEntity<?> diff(@PathVariable String name, @RequestParam(required = false) String against,
            @RequestHeader(value = "Accept", required = false) String accept) {
        ImageDiff diff = diffs.diff(Caller.current(), name, against);
        if (accept != null && accept.contains("text/plain") && !accept.contains("application/json")) {
            return ResponseEntity.ok().contentType(new MediaType("text", "plain", StandardCharsets.UTF_8))
                    .body(ImageDiffs.changelog(diff));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(diff);
    }

    @GetMapping("/api/v1/images/{name}/artifacts/{format}/sha256")
    ResponseEntity<String> checksum(@PathVariable String name, @PathVariable String format) {
        return ResponseEntity.ok().contentType(new MediaType("text", "plain", StandardCharsets.UTF_8))
                .body(catalog.checksumLine(Caller.current(), name, format));
    }

    @PostMapping("/api/v1/images/{name}/revoke")
    ImageView revoke(@PathVariable String name, @RequestBody RevokeRequest body, HttpServletRequest request) {
        return revocations.revoke(Caller.current(), name, body, baseUrls.of(request));
    }

    @PutMapping("/api/v1/images/{name}/shared")
    ImageView share(@PathVariable String name, @RequestBody ShareRequest body, HttpServletRequest request) {
        return sharing.share(Caller.current(), name, body, baseUrls.of(request));
    }
}
