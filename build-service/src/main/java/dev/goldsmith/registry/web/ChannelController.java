package dev.goldsmith.registry.web;

import dev.goldsmith.api.ChannelView;
import dev.goldsmith.api.PromoteRequest;
import dev.goldsmith.api.RegistryEntry;
import dev.goldsmith.registry.Channels;
import dev.goldsmith.registry.RegistryLookup;
import dev.goldsmith.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Promotion into a team's channels, and the registry answer Terraform reads from them. */
@RestController
class ChannelController {

    private final Channels channels;
    private final RegistryLookup registry;
    private final BaseUrls baseUrls;

    ChannelController(Channels channels, RegistryLookup registry, BaseUrls baseUrls) {
        this.channels = channels;
        this.registry = registry;
        this.baseUrls = baseUrls;
    }

    @PutMapping("/api/v1/channels/{channel}/{distro}/{profile}")
    ChannelView promote(@PathVariable String channel, @PathVariable String distro, @PathVariable String profile,
            @RequestParam(required = false) String team, @RequestBody PromoteRequest body) {
        return channels.promote(Caller.current(), team, channel, distro, profile, body);
    }

    @GetMapping("/api/v1/registry/{distro}/{profile}/{channel}")
    ResponseEntity<RegistryEntry> entry(@PathVariable String distro, @PathVariable String profile,
            @PathVariable String channel, @RequestParam(required = false) String team, HttpServletRequest request) {
        return revalidated(registry.entry(Caller.current(), team, distro, profile, channel, baseUrls.of(request)));
    }

    @GetMapping("/api/v1/registry/versions/{name}")
    ResponseEntity<RegistryEntry> version(@PathVariable String name, HttpServletRequest request) {
        return revalidated(registry.version(Caller.current(), name, baseUrls.of(request)));
    }

    /** Private to the caller, and worth keeping only with its ETag: a channel moves at any time. */
    private static ResponseEntity<RegistryEntry> revalidated(RegistryEntry entry) {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache().cachePrivate()).body(entry);
    }
}
