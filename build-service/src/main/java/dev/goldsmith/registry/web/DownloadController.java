package dev.goldsmith.registry.web;

import dev.goldsmith.registry.ImageCatalog;
import dev.goldsmith.registry.ImageCatalog.LinkedFile;
import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Download links: image files for tools that cannot send a bearer token. GET redirects to a short-lived
 * presigned URL; HEAD answers the size itself, because a presigned GET URL refuses HEAD.
 */
@RestController
class DownloadController {

    private static final String PATH = "/api/v1/downloads/{capability}/{fileName}";

    private final ImageCatalog catalog;

    DownloadController(ImageCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping(PATH)
    ResponseEntity<Void> download(@PathVariable String capability, @PathVariable String fileName) {
        LinkedFile file = catalog.linkedFile(capability, fileName);
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(URI.create(file.presignedUrl()))
                .cacheControl(CacheControl.noStore())
                .build();
    }

    @RequestMapping(path = PATH, method = RequestMethod.HEAD)
    ResponseEntity<Void> describe(@PathVariable String capability, @PathVariable String fileName) {
        LinkedFile file = catalog.linkedFile(capability, fileName);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(file.size())
                .eTag(file.sha256())
                .lastModified(file.created())
                .cacheControl(CacheControl.noCache())
                .build();
    }
}
