package dev.goldsmith.workers.web;

import dev.goldsmith.api.Lease;
import dev.goldsmith.api.WorkerRegistered;
import dev.goldsmith.api.WorkerRegistration;
import dev.goldsmith.builds.BuildSpecs;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.queue.ClaimService;
import dev.goldsmith.security.Caller;
import dev.goldsmith.workers.WorkerService;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class WorkerController {

    private final WorkerService workers;
    private final ClaimService claims;
    private final BuildSpecs specs;

    WorkerController(WorkerService workers, ClaimService claims, BuildSpecs specs) {
        this.workers = workers;
        this.claims = claims;
        this.specs = specs;
    }

    @PostMapping("/api/v1/workers")
    WorkerRegistered register(@RequestBody WorkerRegistration registration) {
        return workers.register(Caller.current(), registration);
    }

    /** Long-poll: answers with a lease as soon as a fitting build is queued, or 204 after {@code wait}. */
    @PostMapping("/api/v1/workers/{workerId}/claim")
    ResponseEntity<Lease> claim(@PathVariable UUID workerId, @RequestParam(required = false) String wait)
            throws InterruptedException {
        workers.requireOwnWorker(Caller.current(), workerId);
        return claims.claim(workerId, parseWait(wait))
                .map(claim -> ResponseEntity.ok(new Lease(claim.leaseId(), claim.expiresAt(),
                        specs.forWorker(claim.buildId(), claim.attempt()))))
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    private static Duration parseWait(String wait) {
        if (wait == null) {
            return null;
        }
        try {
            Duration parsed = Duration.parse(wait);
            if (parsed.isNegative()) {
                throw ApiException.invalid("wait", "must not be negative");
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("wait", "must be an ISO-8601 duration such as PT30S");
        }
    }
}
