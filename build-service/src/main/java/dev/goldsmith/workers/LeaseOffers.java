package dev.goldsmith.workers;

import dev.goldsmith.api.CompleteReply;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.Lease;
import dev.goldsmith.builds.BuildSpecs;
import dev.goldsmith.builds.LeaseReports;
import dev.goldsmith.queue.Claim;
import dev.goldsmith.queue.ClaimService;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Offers a worker its next build as a {@link Lease}: from a long-poll claim, or with the completion of its
 * previous one, which halves the worker protocol's requests and commits per build.
 */
@Service
public class LeaseOffers {

    private final ClaimService claims;
    private final BuildSpecs specs;
    private final LeaseReports reports;
    private final TransactionTemplate transaction;

    public LeaseOffers(ClaimService claims, BuildSpecs specs, LeaseReports reports,
            PlatformTransactionManager transactions) {
        this.claims = claims;
        this.specs = specs;
        this.reports = reports;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** Claims a build for the worker, waiting up to {@code wait} for one. */
    public Optional<Lease> claim(UUID workerId, Duration wait) throws InterruptedException {
        return claims.claim(workerId, wait).map(this::lease);
    }

    /**
     * Ends the caller's lease and, with {@code next}, claims its next build. The completion and a build
     * already queued are one transaction (one commit); when none is queued, the completion commits and the
     * worker waits up to {@code next} as a claim would.
     */
    public CompleteReply complete(UUID leaseId, UUID workerId, CompleteRequest request, Duration next)
            throws InterruptedException {
        CompleteReply reply = transaction.execute(tx -> {
            String status = reports.complete(leaseId, workerId, request);
            Lease queued = next == null ? null : claims.claimNow(workerId).map(this::lease).orElse(null);
            return new CompleteReply(status, queued);
        });
        if (reply.next() != null || next == null || next.isZero()) {
            return reply;
        }
        return new CompleteReply(reply.status(), claim(workerId, next).orElse(null));
    }

    private Lease lease(Claim claim) {
        return new Lease(claim.leaseId(), claim.expiresAt(), specs.forWorker(claim.buildId(), claim.attempt()));
    }
}
