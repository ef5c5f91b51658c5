package dev.goldsmith.registry.web;

import dev.goldsmith.api.BuildView;
import dev.goldsmith.api.ChannelPolicy;
import dev.goldsmith.api.ChannelPolicyRequest;
import dev.goldsmith.api.ChannelState;
import dev.goldsmith.builds.Submission;
import dev.goldsmith.registry.ChannelPolicies;
import dev.goldsmith.registry.Rebuilds;
import dev.goldsmith.security.Caller;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A channel's state and policy, and the rebuilds it asks for. */
@RestController
class ChannelPolicyController {

    private static final String CHANNEL = "/api/v1/channels/{channel}/{distro}/{profile}";

    private final ChannelPolicies policies;
    private final Rebuilds rebuilds;

    ChannelPolicyController(ChannelPolicies policies, Rebuilds rebuilds) {
        this.policies = policies;
        this.rebuilds = rebuilds;
    }

    @GetMapping(CHANNEL)
    ChannelState state(@PathVariable String channel, @PathVariable String distro, @PathVariable String profile,
            @RequestParam(required = false) String team) {
        return policies.state(Caller.current(), team, channel, distro, profile);
    }

    @PutMapping(CHANNEL + "/policy")
    ChannelPolicy put(@PathVariable String channel, @PathVariable String distro, @PathVariable String profile,
            @RequestParam(required = false) String team, @RequestBody ChannelPolicyRequest body) {
        return policies.put(Caller.current(), team, channel, distro, profile, body);
    }

    @GetMapping(CHANNEL + "/policy")
    ChannelPolicy get(@PathVariable String channel, @PathVariable String distro, @PathVariable String profile,
            @RequestParam(required = false) String team) {
        return policies.get(Caller.current(), team, channel, distro, profile);
    }

    @DeleteMapping(CHANNEL + "/policy")
    ResponseEntity<Void> delete(@PathVariable String channel, @PathVariable String distro,
            @PathVariable String profile, @RequestParam(required = false) String team) {
        policies.delete(Caller.current(), team, channel, distro, profile);
        return ResponseEntity.noContent().build();
    }

    /** {@code 202} with the rebuild queued, {@code 200} when the cache answered it. */
    @PostMapping(CHANNEL + "/rebuild")
    ResponseEntity<BuildView> rebuild(@PathVariable String channel, @PathVariable String distro,
            @PathVariable String profile, @RequestParam(required = false) String team) {
        Submission submission = rebuilds.manual(Caller.current(), team, channel, distro, profile);
        return ResponseEntity.status(submission.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .location(URI.create("/api/v1/builds/" + submission.build().id())).body(submission.build());
    }
}
