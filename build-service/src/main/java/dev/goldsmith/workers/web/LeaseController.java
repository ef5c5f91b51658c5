package dev.goldsmith.workers.web;

import dev.goldsmith.api.CompleteReply;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.HeartbeatReply;
import dev.goldsmith.api.LogAck;
import dev.goldsmith.api.LogChunk;
import dev.goldsmith.api.StageReport;
import dev.goldsmith.builds.LeaseReports;
import dev.goldsmith.queue.Leases;
import dev.goldsmith.security.Caller;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The worker protocol under a lease; every call is checked against the caller's own worker. */
@RestController
class LeaseController {

    private final Leases leases;
    private final LeaseReports reports;

    LeaseController(Leases leases, LeaseReports reports) {
        this.leases = leases;
        this.reports = reports;
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

    @PostMapping("/api/v1/leases/{leaseId}/complete")
    CompleteReply complete(@PathVariable UUID leaseId, @RequestBody CompleteRequest request) {
        return new CompleteReply(reports.complete(leaseId, Caller.current().workerId(), request));
    }
}
