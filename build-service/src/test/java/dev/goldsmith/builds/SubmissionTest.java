package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.BuildRequest;
import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.BuildRequests;
import dev.goldsmith.support.ServiceTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubmissionTest extends ServiceTest {

    @BeforeEach
    void clean() {
        emptyQueue();
    }

    @Test
    void sameIdempotencyKeyAndBodyReturnsTheSameBuild() {
        Api team = builder("alpha");
        BuildRequest request = aBuildRequest().build();

        Api.Response first = team.postWithHeader("/api/v1/builds", request, "Idempotency-Key", "ci-run-42");
        Api.Response again = team.postWithHeader("/api/v1/builds", request, "Idempotency-Key", "ci-run-42");

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(jdbc.sql("select count(*) from builds where idempotency_key = 'ci-run-42' and team = 'alpha'")
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void sameIdempotencyKeyWithAnotherBodyIsAConflict() {
        Api team = builder("alpha");
        team.postWithHeader("/api/v1/builds", aBuildRequest().build(), "Idempotency-Key", "ci-run-43");

        Api.Response other = team.postWithHeader("/api/v1/builds", aBuildRequest().build(), "Idempotency-Key", "ci-run-43");

        assertThat(other.status()).isEqualTo(409);
        assertThat(other.isProblem()).isTrue();
    }

    @Test
    void fingerprintHitReturnsTheEarlierSucceededBuildUnlessForced() {
        Api team = builder("alpha");
        String commit = BuildRequests.uniqueCommit();
        UUID original = submit(team, aBuildRequest().withCommit(commit).build());
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        worker.uploadAndSucceed(lease);

        // Same inputs in another order of answers and with other bookkeeping: still the same image.
        Api.Response hit = team.post("/api/v1/builds", aBuildRequest().withCommit(commit).withPriority(90).build());
        Api.Response forced = team.post("/api/v1/builds", aBuildRequest().withCommit(commit).forced().build());
        Api.Response changed = team.post("/api/v1/builds",
                aBuildRequest().withCommit(commit).withAnswer("KLDLOAD_HOSTNAME", "other").build());

        assertThat(hit.status()).isEqualTo(200);
        assertThat(hit.json().get("cached").asBoolean()).isTrue();
        assertThat(hit.json().get("id").asString()).isEqualTo(original.toString());
        assertThat(forced.status()).isEqualTo(202);
        assertThat(forced.json().get("imageName").asString()).endsWith("-2");
        assertThat(changed.status()).isEqualTo(202);
        assertThat(changed.json().get("fingerprint")).isNotEqualTo(hit.json().get("fingerprint"));
    }

    @Test
    void otherTeamsDoNotGetCacheHitsFromEachOther() {
        String commit = BuildRequests.uniqueCommit();
        submit(builder("alpha"), aBuildRequest().withCommit(commit).build());
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        worker.uploadAndSucceed(lease);

        Api.Response other = builder("beta").post("/api/v1/builds", aBuildRequest().withCommit(commit).build());

        assertThat(other.status()).isEqualTo(202);
    }

    @Test
    void secretValueDoesNotChangeTheFingerprint() {
        Api team = builder("alpha");
        String commit = BuildRequests.uniqueCommit();
        var one = team.post("/api/v1/builds", aBuildRequest().withCommit(commit).build()).json();
        var two = team.post("/api/v1/builds", aBuildRequest().withCommit(commit)
                .withAnswer("KLDLOAD_PASSWORD", "another-Passw0rd").build()).json();

        assertThat(one.get("fingerprint")).isEqualTo(two.get("fingerprint"));
    }
}
