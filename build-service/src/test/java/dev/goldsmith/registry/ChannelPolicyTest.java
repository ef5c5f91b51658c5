package dev.goldsmith.registry;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.ChannelPolicyRequest;
import dev.goldsmith.api.ChannelState;
import dev.goldsmith.api.InstallerRefresh;
import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Completions;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.Refreshes;
import dev.goldsmith.support.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Channel policies: set, read and removed by the channel's promoters, refused when wrong, and acted on: a refresh
 * of the medium a channel's version was built from rebuilds it (with the policy's secrets), a rebuild that
 * passes moves the channel when the policy says so, one that fails leaves it, and the channel shows both.
 */
class ChannelPolicyTest extends ServiceTest {

    private static final String SECRET = "policy-Secret-pa55-" + UUID.randomUUID();
    private static final String LOCK = "zlib1g 1:1.2.13.dfsg-1+deb12u1 amd64 ad9f\n";

    /** Refreshes move what reference-tiny stands for: this class has a database of its own. */
    private static final Path OWN_DATA_DIR = aDataDir();

    @DynamicPropertySource
    static void ownDataDir(DynamicPropertyRegistry registry) {
        registry.add("goldsmith.test.own-data-dir", OWN_DATA_DIR::toString);
        registry.add("goldsmith.refresh.schedule-check-interval", () -> "1s");
    }

    @Override
    protected Path dataDir() {
        return OWN_DATA_DIR;
    }

    private String team;
    private Api builder;
    private Api promoter;

    @BeforeEach
    void aTeam() {
        emptyQueue();
        // Only this test's policies act on its refreshes.
        jdbc.sql("delete from channel_policies").update();
        team = "loop-" + UUID.randomUUID().toString().substring(0, 8);
        builder = builder(team);
        promoter = as(team, "promoter");
    }

    private String policyPath(String channel) {
        return "/api/v1/channels/" + channel + "/debian/core/policy";
    }

    private Api.Response putPolicy(Api api, String channel, String rebuild, String schedule, String promote,
            Map<String, String> secrets) {
        return api.put(policyPath(channel), new ChannelPolicyRequest(rebuild, schedule, promote, secrets));
    }

    private ChannelState state(String channel) {
        return promoter.get("/api/v1/channels/" + channel + "/debian/core").as(ChannelState.class);
    }

    /** An image of the team's, built by a worker and promoted to {@code channel}. */
    private String imageOn(String channel) {
        return anImage(builder, aBuildRequest().withProfile("core").withChannel(channel)
                .withAnswer("KLDLOAD_HOSTNAME", "loop1").withoutAnswer("KLDLOAD_PASSWORD").build());
    }

    private InstallerRefresh refreshTiny() {
        return Refreshes.toNewMedium(admin(), aWorker("tcg", "goldsmith-media"), "reference-tiny",
                ImageFiles.aTinyImage("reference-tiny refreshed " + UUID.randomUUID()), LOCK);
    }

    private record Claimed(Worker worker, Lease lease) {
    }

    /** The rebuild the policy submitted for the refresh, claimed by a worker. */
    private Claimed rebuildClaimed(UUID original, UUID refresh) {
        UUID rebuild = await("the policy submits a rebuild").atMost(Duration.ofSeconds(20)).until(() ->
                jdbc.sql("select build_id from build_lineage where rebuild_of = ? and trigger_refresh = ?")
                        .params(original, refresh)
                        .query(UUID.class).optional().orElse(null), id -> id != null);
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        assertThat(lease.build().buildId()).isEqualTo(rebuild);
        return new Claimed(worker, lease);
    }

    private UUID buildOf(String image) {
        return UUID.fromString(admin().get("/api/v1/images/" + image).json().get("buildId").asString());
    }

    @Test
    void aPolicyIsSetReadAndRemovedAndItsSecretsAreNeverAnswered() {
        Api.Response put = putPolicy(promoter, "staging", "on-refresh", "0 0 4 * * MON", "on-success",
                Map.of("KLDLOAD_PASSWORD", SECRET));

        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.body()).doesNotContain(SECRET).contains("\"secretKeys\":[\"KLDLOAD_PASSWORD\"]");
        var read = promoter.get(policyPath("staging"));
        assertThat(read.json().get("rebuild").asString()).isEqualTo("on-refresh");
        assertThat(read.json().get("schedule").asString()).isEqualTo("0 0 4 * * MON");
        assertThat(read.body()).doesNotContain(SECRET);
        byte[] sealed = jdbc.sql("select secrets from channel_policies where team = ?").param(team)
                .query(byte[].class).single();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        assertThat(admin().get("/api/v1/audit?action=channel.policy.set").body()).doesNotContain(SECRET);
        assertThat(state("staging").policy().promote()).isEqualTo("on-success");

        // Without secrets, a new policy keeps those it holds; {} drops them.
        putPolicy(promoter, "staging", "on-refresh", null, "manual", null);
        assertThat(promoter.get(policyPath("staging")).json().get("secretKeys").size()).isEqualTo(1);
        putPolicy(promoter, "staging", "on-refresh", null, "manual", Map.of());
        assertThat(promoter.get(policyPath("staging")).json().get("secretKeys").size()).isZero();

        assertThat(promoter.method("DELETE", policyPath("staging")).status()).isEqualTo(204);
        assertThat(promoter.get(policyPath("staging")).status()).isEqualTo(404);
        assertThat(promoter.method("DELETE", policyPath("staging")).status()).isEqualTo(404);
    }

    @Test
    void aBadPolicyIsRefusedNamingTheField() {
        Api.Response rebuild = putPolicy(promoter, "staging", "sometimes", null, "on-success", null);
        assertThat(rebuild.status()).isEqualTo(422);
        assertThat(rebuild.body()).contains("\"field\":\"rebuild\"");

        Api.Response cron = putPolicy(promoter, "staging", "on-refresh", "every monday", "manual", null);
        assertThat(cron.status()).isEqualTo(422);
        assertThat(cron.body()).contains("\"field\":\"schedule\"");

        Api.Response notSecret = putPolicy(promoter, "staging", "on-refresh", null, "manual",
                Map.of("KLDLOAD_HOSTNAME", "web1"));
        assertThat(notSecret.status()).isEqualTo(422);
        assertThat(notSecret.body()).contains("\"field\":\"secrets.KLDLOAD_HOSTNAME\"");

        Api.Response promote = putPolicy(promoter, "staging", "never", null, "always", null);
        assertThat(promote.body()).contains("\"field\":\"promote\"");

        Api.Response otherTeam = promoter.put(policyPath("staging") + "?team=someone-else",
                new ChannelPolicyRequest("never", null, "manual", null));
        assertThat(otherTeam.status()).isEqualTo(403);
        assertThat(builder.put(policyPath("staging"), new ChannelPolicyRequest("never", null, "manual", null))
                .status()).isEqualTo(403);
        assertThat(jdbc.sql("select count(*) from channel_policies where team = ?").param(team).query(Long.class)
                .single()).isZero();
    }

    @Test
    void aRefreshRebuildsTheChannelsVersionWithThePolicysSecretsAndPromotesItOnSuccess() {
        String before = imageOn("production");
        putPolicy(promoter, "production", "on-refresh", null, "on-success", Map.of("KLDLOAD_PASSWORD", SECRET));

        InstallerRefresh refresh = refreshTiny();

        Claimed claimed = rebuildClaimed(buildOf(before), refresh.id());
        Lease lease = claimed.lease();
        assertThat(lease.build().answers()).containsEntry("KLDLOAD_PASSWORD", SECRET)
                .containsEntry("KLDLOAD_HOSTNAME", "loop1");
        assertThat(lease.build().installerMedium().sha256()).isEqualTo(refresh.current().sha256());
        var view = admin().get("/api/v1/builds/" + lease.build().buildId()).json();
        assertThat(view.get("trigger").get("kind").asString()).isEqualTo("refresh");
        assertThat(view.get("trigger").get("refresh").asString()).isEqualTo(refresh.id().toString());
        assertThat(view.get("trigger").get("policy").asString()).isEqualTo(team + "/production/debian/core");
        assertThat(view.get("rebuildOf").asString()).isEqualTo(buildOf(before).toString());
        assertThat(view.get("changedInputs").toString()).contains("installer").contains("answers.KLDLOAD_PASSWORD");
        assertThat(view.toString()).doesNotContain(SECRET);
        assertThat(state("production").current().image()).isEqualTo(before);

        claimed.worker().uploadAndSucceed(lease);

        ChannelState after = state("production");
        assertThat(after.current().image()).isEqualTo(lease.build().imageName());
        assertThat(after.current().assignedBy()).isEqualTo("policy:" + team + "/production/debian/core");
        assertThat(after.lastRebuild().status()).isEqualTo("SUCCEEDED");
        assertThat(after.lastRebuild().trigger()).isEqualTo("refresh");
        assertThat(after.lastRebuild().rebuildOf()).isEqualTo(before);
        assertThat(after.lastRebuild().diff()).isEqualTo("/api/v1/images/" + lease.build().imageName()
                + "/diff?against=" + before);
        assertThat(admin().get("/api/v1/audit?action=channel.promote").body())
                .contains("policy:" + team + "/production/debian/core");
        // The previous version stays, the fallback of a revocation.
        assertThat(admin().get("/api/v1/images/" + before).status()).isEqualTo(200);
    }

    @Test
    void aRebuildThatFailsLeavesTheChannelWhereItWasAndTheChannelShowsIt() {
        String before = imageOn("production");
        putPolicy(promoter, "production", "on-refresh", null, "on-success", null);

        InstallerRefresh refresh = refreshTiny();
        Claimed claimed = rebuildClaimed(buildOf(before), refresh.id());
        Lease lease = claimed.lease();
        // A policy without secrets gets a farm-made password, as a request without one does.
        assertThat(lease.build().answers()).doesNotContainKey("KLDLOAD_PASSWORD");
        Api.Response failed = claimed.worker().complete(lease.leaseId(), Completions.aFailure("TEST_FAILED", false));
        assertThat(failed.status()).isEqualTo(200);

        ChannelState after = state("production");
        assertThat(after.current().image()).isEqualTo(before);
        assertThat(after.lastRebuild().status()).isEqualTo("FAILED");
        assertThat(after.lastRebuild().failure()).contains("TEST_FAILED");
    }

    @Test
    void aManualPolicyRebuildsButLeavesPromotionToPeople() {
        String before = imageOn("production");
        putPolicy(promoter, "production", "on-refresh", null, "manual", null);

        InstallerRefresh refresh = refreshTiny();
        Claimed claimed = rebuildClaimed(buildOf(before), refresh.id());
        Lease lease = claimed.lease();
        claimed.worker().uploadAndSucceed(lease);

        assertThat(state("production").current().image()).isEqualTo(before);
        assertThat(state("production").lastRebuild().image()).isEqualTo(lease.build().imageName());
    }

    @Test
    void aChannelWithoutAPolicyIsNotRebuilt() {
        String before = imageOn("production");

        InstallerRefresh refresh = refreshTiny();

        assertThat(jdbc.sql("select count(*) from build_lineage where rebuild_of = ? and trigger_refresh = ?")
                .params(buildOf(before), refresh.id()).query(Long.class).single()).isZero();
        assertThat(state("production").policy()).isNull();
        assertThat(state("production").lastRebuild()).isNull();
    }

    @Test
    void aPromoterMayAskForARebuildWhichTheCacheAnswersWhenNothingChanged() {
        String before = imageOn("production");
        putPolicy(promoter, "production", "never", null, "on-success", null);

        Api.Response rebuilt = promoter.post("/api/v1/channels/production/debian/core/rebuild", null);

        assertThat(rebuilt.status()).as(rebuilt.toString()).isEqualTo(200);
        assertThat(rebuilt.json().get("imageName").asString()).isEqualTo(before);
        assertThat(rebuilt.json().get("cached").asBoolean()).isTrue();
        assertThat(state("production").lastRebuild().trigger()).isEqualTo("manual");
        assertThat(builder.post("/api/v1/channels/production/debian/core/rebuild", null).status()).isEqualTo(403);
        assertThat(promoter.post("/api/v1/channels/empty/debian/core/rebuild", null).status()).isEqualTo(409);
    }

    @Test
    void aScheduledPolicyRebuildsTheChannelsVersionWhenItFires() {
        String before = imageOn("nightly");
        putPolicy(promoter, "nightly", "never", "* * * * * *", "on-success", null);

        await("the schedule fires").atMost(Duration.ofSeconds(20)).until(() ->
                state("nightly").lastRebuild() != null);

        var last = state("nightly").lastRebuild();
        assertThat(last.trigger()).isEqualTo("schedule");
        // Nothing changed since: the cache answers with the version itself, and no VM runs.
        assertThat(last.image()).isEqualTo(before);
        assertThat(state("nightly").current().image()).isEqualTo(before);
    }

    @Test
    void twoReplicasRunOneRefreshSubmitOneRebuildAndFireEachSlotOnce() throws Exception {
        String before = imageOn("production");
        putPolicy(promoter, "production", "on-refresh", null, "on-success", null);
        org.springframework.context.ConfigurableApplicationContext replica = dev.goldsmith.support.Instances.start(
                sameDatabase("goldsmith.admin-token=" + ADMIN_TOKEN, "goldsmith.data-dir=" + aDataDir(),
                        "goldsmith.refresh.schedule-check-interval=1s"));
        try {
            Api onReplica = admin().onPort(dev.goldsmith.support.Instances.port(replica));
            var asked = java.util.stream.Stream.of(admin(), onReplica).parallel()
                    .map(api -> api.post("/api/v1/installers/reference-tiny/refresh?wait=PT0S", null)
                            .as(InstallerRefresh.class).id())
                    .distinct().toList();
            assertThat(asked).hasSize(1);
            assertThat(jdbc.sql("select count(*) from builds where kind = 'MEDIUM' and status = 'QUEUED'")
                    .query(Long.class).single()).isEqualTo(1);
            Worker media = aWorker("tcg", "goldsmith-media");
            Lease job = media.claim();
            media.upload(job, "medium", ImageFiles.aTinyImage("two replicas " + UUID.randomUUID()));
            assertThat(media.complete(job.leaseId(), Completions.aMediumJobSuccess("BUILT", LOCK)).status())
                    .isEqualTo(200);

            String rebuilds = "select count(*) from build_lineage where rebuild_of = ? and trigger_refresh = ?";
            await("one rebuild").atMost(Duration.ofSeconds(20)).until(() ->
                    jdbc.sql(rebuilds).params(buildOf(before), asked.getFirst()).query(Long.class).single() == 1);
            // Both replicas reconcile every second: the rebuild stays one.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                    jdbc.sql(rebuilds).params(buildOf(before), asked.getFirst()).query(Long.class).single() == 1);
            assertThat(jdbc.sql("select count(*) from installer_refreshes where id = ? and status = 'REFRESHED'")
                    .param(asked.getFirst()).query(Long.class).single()).isEqualTo(1);

            var here = replica.getBean(dev.goldsmith.scheduling.Schedules.class);
            var there = applicationContext.getBean(dev.goldsmith.scheduling.Schedules.class);
            var everySecond = dev.goldsmith.scheduling.Schedules.parse("* * * * * *");
            String name = "test:" + UUID.randomUUID();
            java.util.List<java.time.Instant> fired = new java.util.concurrent.CopyOnWriteArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            java.util.stream.Stream.of(here, there).parallel().forEach(schedules -> {
                while (System.nanoTime() < until) {
                    schedules.claimDue(name, everySecond).ifPresent(fired::add);
                }
            });
            assertThat(fired).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(2);
        } finally {
            replica.close();
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    private org.springframework.context.ApplicationContext applicationContext;

    @Test
    void theSecretsOfAPolicyOpenOnlyForItsOwnChannel() {
        PolicySecrets secrets = new PolicySecrets(new byte[32]);
        ChannelKey mine = new ChannelKey("a", "production", "debian", "core");
        byte[] sealed = secrets.seal(mine, Map.of("KLDLOAD_PASSWORD", SECRET));

        assertThat(secrets.open(mine, sealed)).containsEntry("KLDLOAD_PASSWORD", SECRET);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                secrets.open(new ChannelKey("b", "production", "debian", "core"), sealed))
                .isInstanceOf(IllegalStateException.class);
        Map<String, String> copy = new HashMap<>(Map.of("KLDLOAD_PASSWORD", SECRET));
        assertThat(secrets.seal(mine, copy)).isNotEqualTo(sealed);
    }
}
