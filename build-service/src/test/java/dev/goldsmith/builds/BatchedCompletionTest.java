package dev.goldsmith.builds;

import static dev.goldsmith.support.Completions.aFailure;
import static dev.goldsmith.support.QueuedBuilds.aQueuedBuild;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.Lease;
import dev.goldsmith.builds.LeaseReports.Completed;
import dev.goldsmith.builds.LeaseReports.Completion;
import dev.goldsmith.support.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Completions written together: each is checked on its own, and one refused writes nothing of its own. */
class BatchedCompletionTest extends ServiceTest {

    private static final List<CheckResult> A_CHECK =
            List.of(new CheckResult("ssh-listening", "ss -ltn", 1, false, "nothing listens", 12));

    @Autowired
    LeaseReports reports;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void completingTogetherEndsTheGoodOnesAndRefusesTheOthersWithoutWritingThem() {
        emptyQueue();
        aQueuedBuild().times(5).insert(jdbc);
        Worker owner = aWorker("tcg");
        Worker other = aWorker("tcg");
        Lease failing = owner.claim();
        Lease notItsOwn = other.claim();
        Lease cancelledUnasked = owner.claim();
        Lease malformed = owner.claim();
        Lease retried = owner.claim();

        List<Completed> completed = together(
                new Completion(failing.leaseId(), owner.id(), failureWith("TEST_FAILED", false, A_CHECK)),
                new Completion(notItsOwn.leaseId(), owner.id(), failureWith("TEST_FAILED", false, A_CHECK)),
                new Completion(cancelledUnasked.leaseId(), owner.id(),
                        new CompleteRequest("CANCELLED", null, null, null, null, null, A_CHECK, null)),
                new Completion(malformed.leaseId(), owner.id(), failureWith("lower-case", false, A_CHECK)),
                new Completion(retried.leaseId(), owner.id(), aFailure("INSTALL_TIMEOUT", true)));

        assertThat(completed).extracting(Completed::status)
                .containsExactly("FAILED", null, null, null, "QUEUED");
        assertThat(completed.subList(1, 4)).extracting(c -> c.refused().status().value())
                .containsExactly(403, 409, 422);
        assertThat(status(failing.build().buildId())).isEqualTo("FAILED");
        assertThat(checks(failing)).isEqualTo(1);
        assertThat(status(retried.build().buildId())).isEqualTo("QUEUED");
        for (Lease refused : List.of(notItsOwn, cancelledUnasked, malformed)) {
            assertThat(status(refused.build().buildId())).isEqualTo("RUNNING");
            assertThat(checks(refused)).isZero();
            assertThat(jdbc.sql("select lease_id from builds where id = ?").param(refused.build().buildId())
                    .query(UUID.class).single()).isEqualTo(refused.leaseId());
        }
    }

    @Test
    void aLeaseTwiceInOneBatchEndsOnceAndTheSecondIsToldItEnded() {
        emptyQueue();
        aQueuedBuild().insert(jdbc);
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        Completion completion = new Completion(lease.leaseId(), worker.id(), aFailure("TEST_FAILED", false));

        List<Completed> completed = together(completion, completion);

        assertThat(completed.get(0).status()).isEqualTo("FAILED");
        assertThat(completed.get(1).refused().status().value()).isEqualTo(409);
        assertThat(status(lease.build().buildId())).isEqualTo("FAILED");
    }

    @Test
    void aMissingCheckIsRefusedAndTheOthersStillEnd() {
        emptyQueue();
        aQueuedBuild().times(2).insert(jdbc);
        Worker worker = aWorker("tcg");
        Lease good = worker.claim();
        Lease bad = worker.claim();
        List<CheckResult> withAHole = new ArrayList<>(A_CHECK);
        withAHole.add(null);

        List<Completed> completed = together(
                new Completion(good.leaseId(), worker.id(), aFailure("TEST_FAILED", false)),
                new Completion(bad.leaseId(), worker.id(), failureWith("TEST_FAILED", false, withAHole)));

        assertThat(completed.get(0).status()).isEqualTo("FAILED");
        assertThat(completed.get(1).refused().status().value()).isEqualTo(422);
        assertThat(completed.get(1).refused().getMessage()).contains("checks[1]");
        assertThat(status(bad.build().buildId())).isEqualTo("RUNNING");
    }

    private List<Completed> together(Completion... completions) {
        return new TransactionTemplate(transactions).execute(tx -> reports.completeAll(List.of(completions)));
    }

    private int checks(Lease lease) {
        return jdbc.sql("select count(*) from build_checks where build_id = ?").param(lease.build().buildId())
                .query(Integer.class).single();
    }

    private static CompleteRequest failureWith(String code, boolean retryable, List<CheckResult> checks) {
        return new CompleteRequest("FAILED", code, "TEST", "a smoke test failed", retryable, null, checks, null);
    }
}
