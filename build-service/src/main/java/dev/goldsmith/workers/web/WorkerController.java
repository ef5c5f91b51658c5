package dev.goldsmith.workers.web;

import dev.goldsmith.problems.QueryParameters;
import dev.goldsmith.api.Lease;
import dev.goldsmith.api.WorkerRegistered;
import dev.goldsmith.api.WorkerRegistration;
import dev.goldsmith.security.Caller;
import dev.goldsmith.workers.LeaseOffers;
import dev.goldsmith.workers.WorkerService;
import java.time.Duration;
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
    private final LeaseOffers offers;

    WorkerController(WorkerService workers, LeaseOffers offers) {
        this.workers = workers;
        this.offers = offers;
    }

    @PostMapping("/api/v1/workers")
    WorkerRegistered register(@RequestBody WorkerRegistration registration) {
        return workers.register(Caller.current(), registration);
    }

    /** Long-poll: answers with a lease as soon as a fitting build is queued, or 204 after {@code wait}. */
    @PostMapping("/api/v1/workers/{workerId}/claim")
    ResponseEntity<Lease> claim(@PathVariable UUID workerId, @RequestParam(required = false) String wait)
            throws InterruptedException {
        Duration bounded = QueryParameters.duration("wait", wait);
        workers.requireOwnWorker(Caller.current(), workerId);
        return offers.claim(workerId, bounded).map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }
}
