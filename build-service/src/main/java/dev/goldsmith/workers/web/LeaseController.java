package dev.goldsmith.workers.web;

import dev.goldsmith.problems.QueryParameters;
import dev.goldsmith.api.CompleteReply;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.HeartbeatReply;
import dev.goldsmith.api.LogAck;
import dev.goldsmith.api.LogChunk;
import dev.goldsmith.api.StageReport;
import dev.goldsmith.builds.LeaseReports;
import dev.goldsmith.queue.Leases;
import dev.goldsmith.security.Caller;
import dev.goldsmith.workers.LeaseOffers;
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The worker protocol under a lease; every call is checked against the caller's own worker. */
@RestController
class LeaseController {

    private final Leases leases;
    private final LeaseReports reports;
    private final LeaseOffers offers;

    LeaseController(Leases leases, LeaseReports reports, LeaseOffers offers) {
        this.leases = leases;
        this.reports = reports;
        this.offers = offers;
    }

    @PostMapping("/api/v1/leases/{leaseId}/heartbeat")
    HeartbeatReply heartbeat(@PathVariable UUID leaseId) {
        return leases.heartbeat(leaseId, Caller.current().workerId());
    }

    @PostMapping("/api/v1/leases/{leaseId}/stages/{stage}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void stage(@PathVariable UUID leaseId, @PathVariable String stage, @RequestBody StageReport report) {
        reports.stage(leaseId, Caller.current().workerId(), stage, report);
    }

    @PostMapping("/api/v1/leases/{leaseId}/logs")
    LogAck logs(@PathVariable UUID leaseId, @RequestBody LogChunk chunk) {
        return reports.log(leaseId, Caller.current().workerId(), chunk);
    }

    /**
     * Ends the attempt; with {@code next}, also claims the worker's next build (waiting up to {@code next}) and
     * answers its lease along with the status.
     */
    @PostMapping("/api/v1/leases/{leaseId}/complete")
    CompleteReply complete(@PathVariable UUID leaseId, @RequestParam(required = false) String next,
            @RequestBody CompleteRequest request) throws InterruptedException {
        Duration nextWait = QueryParameters.duration("next", next);
        return offers.complete(leaseId, Caller.current().workerId(), request, nextWait);
    }
}
