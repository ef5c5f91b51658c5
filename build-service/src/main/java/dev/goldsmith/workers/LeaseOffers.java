package dev.goldsmith.workers;

import dev.goldsmith.api.BuildSpec;
import dev.goldsmith.api.CompleteReply;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.Lease;
import dev.goldsmith.builds.BuildSpecs;
import dev.goldsmith.database.BatchDeadline;
import dev.goldsmith.builds.LeaseReports;
import dev.goldsmith.builds.LeaseReports.Completed;
import dev.goldsmith.builds.LeaseReports.Completion;
import dev.goldsmith.queue.Claim;
import dev.goldsmith.queue.ClaimService;
import dev.goldsmith.workers.GroupCommit.Pending;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Offers a worker its next build as a {@link Lease}: from a long-poll claim, or with the completion of its
 * previous one, which halves the worker protocol's requests and commits per build.
 *
 * <p>Failures and cancellations that arrive together from different workers are written together
 * ({@link GroupCommit}): one transaction locks and ends all their leases in two statements (and one insert per
 * reported check), claims their next builds in one statement per kind of worker (after one that reads the
 * kinds), reads those builds' inputs in one more, and commits once. Per
 * build, PostgreSQL then spends a fraction of what one transaction per completion costs. A completion refused in
 * a batch (another worker's lease, a malformed report) gets its own problem and writes nothing; any other error
 * rolls the batch back and each of its completions is written alone, as a successful build always is (it stores
 * and signs its own records).
 */
@Service
public class LeaseOffers {

    private static final Logger log = LoggerFactory.getLogger(LeaseOffers.class);
    /** Batches written at once: one per core keeps both PostgreSQL and the service busy on these machines. */
    private static final int WRITERS = 2;
    private static final int MAX_BATCH = 64;

    private final ClaimService claims;
    private final BuildSpecs specs;
    private final LeaseReports reports;
    private final TransactionTemplate transaction;
    private final JdbcClient jdbc;
    private final GroupCommit<Ending, CompleteReply> endings;
    private final DistributionSummary batchSizes;
    private final BatchDeadline batchDeadline;

    public LeaseOffers(ClaimService claims, BuildSpecs specs, LeaseReports reports,
            PlatformTransactionManager transactions, JdbcClient jdbc, MeterRegistry meters,
            BatchDeadline batchDeadline) {
        this.batchDeadline = batchDeadline;
        this.claims = claims;
        this.specs = specs;
        this.reports = reports;
        this.transaction = new TransactionTemplate(transactions);
        this.jdbc = jdbc;
        this.endings = new GroupCommit<>(WRITERS, MAX_BATCH, this::writeTogether);
        this.batchSizes = DistributionSummary.builder("goldsmith.queue.completion.batch")
                .description("Completions written in one transaction")
                .register(meters);
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
        Ending ending = new Ending(new Completion(leaseId, workerId, request), next != null);
        CompleteReply reply = "SUCCEEDED".equals(request.outcome()) ? writeAlone(ending) : endings.submit(ending);
        if (reply.next() != null || next == null || next.isZero()) {
            return reply;
        }
        return new CompleteReply(reply.status(), claim(workerId, next).orElse(null));
    }

    /** A completion, and whether its worker wants its next build with the reply. */
    private record Ending(Completion completion, boolean wantsNext) {
    }

    private CompleteReply writeAlone(Ending ending) {
        Completion c = ending.completion();
        return transaction.execute(tx -> {
            planGenerically();
            return new CompleteReply(reports.complete(c.leaseId(), c.worker(), c.request()),
                    ending.wantsNext() ? claims.claimNow(c.worker()).map(this::lease).orElse(null) : null);
        });
    }

    private void writeTogether(List<Pending<Ending, CompleteReply>> batch) {
        batchSizes.record(batch.size());
        List<Written> written;
        try {
            written = transaction.execute(tx -> {
                planGenerically();
                batchDeadline.apply();
                return endAndClaim(batch.stream().map(Pending::item).toList());
            });
        } catch (RuntimeException e) {
            log.warn("Writing {} completions together failed ({}); writing each alone", batch.size(), e.toString());
            for (Pending<Ending, CompleteReply> p : batch) {
                try {
                    p.succeed(writeAlone(p.item()));
                } catch (RuntimeException alone) {
                    p.fail(alone);
                }
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Completed c = written.get(i).completed();
            if (c.refused() != null) {
                batch.get(i).fail(c.refused());
            } else {
                batch.get(i).succeed(new CompleteReply(c.status(), written.get(i).next()));
            }
        }
    }

    /** What one completion of a batch left: its build's status or its problem, and the worker's next lease. */
    private record Written(Completed completed, Lease next) {
    }

    private List<Written> endAndClaim(List<Ending> batch) {
        List<Completed> completed = reports.completeAll(batch.stream().map(Ending::completion).toList());
        List<Integer> wanting = IntStream.range(0, batch.size())
                .filter(i -> completed.get(i).refused() == null && batch.get(i).wantsNext()).boxed().toList();
        Lease[] next = new Lease[batch.size()];
        if (!wanting.isEmpty()) {
            List<Optional<Claim>> claimed = claims.claimEach(
                    wanting.stream().map(i -> batch.get(i).completion().worker()).toList());
            Iterator<BuildSpec> claimedSpecs =
                    specs.forWorkers(claimed.stream().flatMap(Optional::stream).toList()).iterator();
            for (int k = 0; k < wanting.size(); k++) {
                Optional<Claim> claim = claimed.get(k);
                if (claim.isPresent()) {
                    next[wanting.get(k)] = new Lease(claim.get().leaseId(), claim.get().expiresAt(),
                            claimedSpecs.next());
                }
            }
        }
        return IntStream.range(0, batch.size()).mapToObj(i -> new Written(completed.get(i), next[i])).toList();
    }

    /**
     * The completion's statements take their ids as arrays, and PostgreSQL, seeing that a plan for a one-element
     * array looks cheaper than its generic plan, would plan them afresh on every execution: 1.7 ms of its CPU per
     * successful completion. Every statement here finds its rows by key, and the claim's generic plan walks the
     * queue index ({@code ClaimPlanTest}), so this transaction reuses generic plans.
     */
    private void planGenerically() {
        jdbc.sql("set local plan_cache_mode = force_generic_plan").update();
    }

    private Lease lease(Claim claim) {
        return new Lease(claim.leaseId(), claim.expiresAt(), specs.forWorker(claim));
    }
}
