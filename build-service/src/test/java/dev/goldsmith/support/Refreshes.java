package dev.goldsmith.support;

import static dev.goldsmith.support.Completions.aMediumJobSuccess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.InstallerRefresh;
import dev.goldsmith.api.Lease;
import java.time.Duration;
import java.util.List;

/** Refreshes of a reference medium driven through the API and the worker protocol, as a media worker would. */
public final class Refreshes {

    private Refreshes() {
    }

    /**
     * Refreshes {@code installer} into a new medium of these bytes, built from {@code lock}, with
     * {@code mediaWorker} doing the medium job; answers the refresh once it has ended REFRESHED.
     */
    public static InstallerRefresh toNewMedium(Api admin, ServiceTest.Worker mediaWorker, String installer,
            byte[] medium, String lock) {
        Api.Response asked = admin.post("/api/v1/installers/" + installer + "/refresh?wait=PT0S", null);
        assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
        InstallerRefresh refresh = asked.as(InstallerRefresh.class);
        Lease lease = await("the medium job is claimed").atMost(Duration.ofSeconds(20)).until(() -> {
            Api.Response claimed = mediaWorker.claimResponse("PT1S");
            return claimed.status() == 200 ? claimed.as(Lease.class) : null;
        }, l -> l != null);
        assertThat(lease.build().buildId()).isEqualTo(refresh.job());
        mediaWorker.upload(lease, "medium", medium);
        Api.Response done = mediaWorker.complete(lease.leaseId(), aMediumJobSuccess("BUILT", lock));
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        String path = "/api/v1/installers/" + installer + "/refreshes/" + refresh.id();
        await("refresh ends").atMost(Duration.ofSeconds(30)).until(() ->
                !List.of("QUEUED", "RUNNING").contains(admin.get(path).as(InstallerRefresh.class).status()));
        InstallerRefresh ended = admin.get(path).as(InstallerRefresh.class);
        assertThat(ended.status()).as(String.valueOf(ended.failure())).isEqualTo("REFRESHED");
        return ended;
    }
}
