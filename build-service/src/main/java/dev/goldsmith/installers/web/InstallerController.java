package dev.goldsmith.installers.web;

import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.InstallerList;
import dev.goldsmith.api.InstallerRegistration;
import dev.goldsmith.api.InstallerView;
import dev.goldsmith.installers.InstallerRegistry;
import dev.goldsmith.security.Caller;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The installer registry: register (or upload) a medium, complete its upload, list, read and delete. */
@RestController
class InstallerController {

    private final InstallerRegistry registry;

    InstallerController(InstallerRegistry registry) {
        this.registry = registry;
    }

    /** {@code 201} with the installer when its medium is in the bucket; {@code 202} with the upload otherwise. */
    @PostMapping(path = "/api/v1/installers", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> register(@RequestBody InstallerRegistration request) {
        return switch (registry.register(Caller.current(), request)) {
            case InstallerRegistry.Registered registered -> ResponseEntity
                    .created(location(registered.installer().name())).body(registered.installer());
            case InstallerRegistry.Uploading uploading -> ResponseEntity.status(HttpStatus.ACCEPTED)
                    .location(URI.create(location(uploading.upload().name()) + "/complete")).body(uploading.upload());
        };
    }

    @PostMapping(path = "/api/v1/installers/{name}/complete", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<InstallerView> complete(@PathVariable String name, @RequestBody ArtifactUploadComplete report) {
        InstallerView installer = registry.complete(Caller.current(), name, report);
        return ResponseEntity.created(location(installer.name())).body(installer);
    }

    @GetMapping("/api/v1/installers")
    InstallerList list() {
        return new InstallerList(registry.list());
    }

    @GetMapping("/api/v1/installers/{name}")
    InstallerView get(@PathVariable String name) {
        return registry.get(name);
    }

    @DeleteMapping("/api/v1/installers/{name}")
    ResponseEntity<Void> delete(@PathVariable String name) {
        registry.delete(Caller.current(), name);
        return ResponseEntity.noContent().build();
    }

    private static URI location(String name) {
        return URI.create("/api/v1/installers/" + name);
    }
}
