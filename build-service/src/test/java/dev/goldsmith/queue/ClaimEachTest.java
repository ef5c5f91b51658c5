package dev.goldsmith.queue;

import static dev.goldsmith.support.QueuedBuilds.aQueuedBuild;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.ServiceTest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Claiming for many workers at once, as a batch of completions asking for their next builds does. */
class ClaimEachTest extends ServiceTest {

    @Autowired
    ClaimService claims;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void everyEntryGetsItsOwnBuildThatFitsItsWorkerInQueueOrder() {
        emptyQueue();
        UUID anyFirst = aQueuedBuild().insert(jdbc).getFirst();
        UUID anySecond = aQueuedBuild().insert(jdbc).getFirst();
        UUID kvmOnly = aQueuedBuild().needing("kvm").insert(jdbc).getFirst();
        UUID gpuOnly = aQueuedBuild().withWorkerLabels("[\"gpu\"]").insert(jdbc).getFirst();
        Worker tcg = aWorker("tcg");
        Worker kvm = aWorker("kvm");
        Worker gpu = aWorker("tcg", "gpu");

        List<Optional<Claim>> claimed = new TransactionTemplate(transactions).execute(tx ->
                claims.claimEach(List.of(tcg.id(), kvm.id(), tcg.id(), gpu.id(), tcg.id())));

        assertThat(List.of(claimed.get(0).orElseThrow().buildId(), claimed.get(2).orElseThrow().buildId()))
                .containsExactlyInAnyOrder(anyFirst, anySecond);
        assertThat(claimed.get(1).orElseThrow().buildId()).isEqualTo(kvmOnly);
        assertThat(claimed.get(3).orElseThrow().buildId()).isEqualTo(gpuOnly);
        assertThat(claimed.get(4)).isEmpty();
        List<Worker> entries = List.of(tcg, kvm, tcg, gpu);
        for (int i = 0; i < entries.size(); i++) {
            Claim claim = claimed.get(i).orElseThrow();
            assertThat(jdbc.sql("select worker_id from builds where id = ? and lease_id = ? and status = 'RUNNING'")
                    .params(claim.buildId(), claim.leaseId()).query(UUID.class).single())
                    .isEqualTo(entries.get(i).id());
        }
    }

    @Test
    void anUnknownWorkerGetsNothingAndTheOthersStillClaim() {
        emptyQueue();
        UUID queued = aQueuedBuild().insert(jdbc).getFirst();
        Worker tcg = aWorker("tcg");

        List<Optional<Claim>> claimed = new TransactionTemplate(transactions).execute(tx ->
                claims.claimEach(List.of(UUID.randomUUID(), tcg.id())));

        assertThat(claimed.get(0)).isEmpty();
        assertThat(claimed.get(1).orElseThrow().buildId()).isEqualTo(queued);
    }
}
