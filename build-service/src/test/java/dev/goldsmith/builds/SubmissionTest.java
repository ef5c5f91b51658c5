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
    void aCacheHitNeedsTheSameSecretsAndAnotherPasswordBuildsAnotherImage() {
        Api team = builder("alpha");
        String commit = BuildRequests.uniqueCommit();
        UUID original = submit(team, aBuildRequest().withCommit(commit).withAnswer("KLDLOAD_ZFS_PASSPHRASE",
                "pool-passphrase-1").build());
        Worker worker = aWorker("tcg");
        worker.uploadAndSucceed(worker.claim());

        Api.Response same = team.post("/api/v1/builds", aBuildRequest().withCommit(commit)
                .withAnswer("KLDLOAD_ZFS_PASSPHRASE", "pool-passphrase-1").build());
        Api.Response otherPassword = team.post("/api/v1/builds", aBuildRequest().withCommit(commit)
                .withAnswer("KLDLOAD_ZFS_PASSPHRASE", "pool-passphrase-1")
                .withAnswer("KLDLOAD_PASSWORD", "another-Passw0rd").build());
        Api.Response otherPassphrase = team.post("/api/v1/builds", aBuildRequest().withCommit(commit)
                .withAnswer("KLDLOAD_ZFS_PASSPHRASE", "pool-passphrase-2").build());

        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().get("id").asString()).isEqualTo(original.toString());
        assertThat(otherPassword.status()).as("an image baked with someone else's password").isEqualTo(202);
        assertThat(otherPassphrase.status()).as("an image baked with someone else's pool passphrase").isEqualTo(202);
        assertThat(otherPassword.json().get("fingerprint")).isNotEqualTo(same.json().get("fingerprint"));
        assertThat(jdbc.sql("select count(*) from builds where fingerprint like '%pool-passphrase%' "
                + "or answers::text like '%pool-passphrase%'").query(Long.class).single()).isZero();
    }

    @Test
    void aCacheHitNamingAChannelPromotesTheImageItAnswersWithAndSaysSo() {
        Api team = builder("alpha");
        String commit = BuildRequests.uniqueCommit();
        submit(team, aBuildRequest().withCommit(commit).build());
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        worker.uploadAndSucceed(lease);

        Api.Response hit = team.post("/api/v1/builds", aBuildRequest().withCommit(commit).withChannel("production")
                .build());

        assertThat(hit.status()).isEqualTo(200);
        assertThat(hit.json().get("cached").asBoolean()).isTrue();
        assertThat(hit.json().get("promotedTo").get("channel").asString()).isEqualTo("production");
        assertThat(hit.json().get("promotedTo").get("image").asString()).isEqualTo(lease.build().imageName());
        Api.Response registry = team.get("/api/v1/registry/debian/server/production");
        assertThat(registry.status()).as(registry.toString()).isEqualTo(200);
        assertThat(registry.json().get("name").asString()).isEqualTo(lease.build().imageName());
        assertThat(admin().get("/api/v1/audit?action=channel.promote").body())
                .contains(lease.build().imageName(), "(cache hit)");
    }
}
