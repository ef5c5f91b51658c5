package dev.goldsmith.installers.web;

import dev.goldsmith.api.InstallerRefresh;
import dev.goldsmith.api.InstallerRefreshList;
import dev.goldsmith.installers.InstallerRefreshes;
import dev.goldsmith.problems.QueryParameters;
import dev.goldsmith.security.Caller;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Refreshes of the farm's reference media: ask for one (admin), read one, list an installer's. The request waits
 * up to {@code wait} for the outcome: {@code 200} once the refresh has ended, {@code 202} while it runs on.
 */
@RestController
class InstallerRefreshController {

    private final InstallerRefreshes refreshes;

    InstallerRefreshController(InstallerRefreshes refreshes) {
        this.refreshes = refreshes;
    }

    @PostMapping("/api/v1/installers/{name}/refresh")
    ResponseEntity<InstallerRefresh> refresh(@PathVariable String name,
            @RequestParam(required = false) String wait) throws InterruptedException {
        var patience = QueryParameters.duration("wait", wait);
        Caller caller = Caller.current();
        InstallerRefresh started = refreshes.request(name, InstallerRefreshes.Trigger.MANUAL, caller.actor(),
                caller.team());
        InstallerRefresh now = refreshes.await(started, patience);
        URI location = URI.create("/api/v1/installers/" + name + "/refreshes/" + now.id());
        return ResponseEntity.status(InstallerRefreshes.ended(now) ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .location(location).body(now);
    }

    @GetMapping("/api/v1/installers/{name}/refreshes")
    InstallerRefreshList list(@PathVariable String name, @RequestParam(required = false) String limit) {
        return new InstallerRefreshList(refreshes.list(name, limit));
    }

    @GetMapping("/api/v1/installers/{name}/refreshes/{id}")
    InstallerRefresh get(@PathVariable String name, @PathVariable String id) {
        return refreshes.get(name, id);
    }
}
