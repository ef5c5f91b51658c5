package dev.goldsmith.builds;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.DsseEnvelope;
import dev.goldsmith.api.Lease;
import dev.goldsmith.api.LogChunk;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class SecretHandlingTest extends ServiceTest {

    private static final String PASSWORD = "Tr0ub4dor-and-3";
    private static final String PASSPHRASE = "zfs-passphrase-42";

    @BeforeEach
    void clean() {
        emptyQueue();
    }

    @Test
    void afterABuildEndsItsSecretsAppearNowhere(CapturedOutput output) {
        Api team = builder("alpha");
        UUID id = submit(team, aBuildRequest().withAnswer("KLDLOAD_PASSWORD", PASSWORD)
                .withAnswer("KLDLOAD_ZFS_ENCRYPT", "1").withAnswer("KLDLOAD_ZFS_PASSPHRASE", PASSPHRASE).build());
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        assertThat(lease.build().answers()).containsEntry("KLDLOAD_PASSWORD", PASSWORD);
        // A careless installer echoes its answers: the farm must not keep them.
        worker.api().post("/api/v1/leases/" + lease.leaseId() + "/logs",
                new LogChunk(0, List.of("KLDLOAD_PASSWORD=" + PASSWORD, "passphrase is " + PASSPHRASE)));
        worker.uploadAndSucceed(lease);

        String everyRow = jdbc.sql("""
                        select string_agg(t::text, E'\\n') from (
                          select row_to_json(b)::text as t from builds b
                          union all select row_to_json(s)::text from build_secrets s
                          union all select row_to_json(l)::text from build_logs l
                          union all select row_to_json(c)::text from build_checks c
                          union all select row_to_json(st)::text from build_stages st
                          union all select row_to_json(a)::text from audit_log a
                          union all select row_to_json(i)::text from images i
                          union all select row_to_json(ca)::text from channel_assignments ca) rows
                        """).query(String.class).single();
        String api = team.get("/api/v1/builds/" + id).body() + team.get("/api/v1/builds").body()
                + team.get("/api/v1/builds/" + id + "/logs").body() + team.get("/api/v1/builds/" + id + "/tests").body()
                + team.get("/api/v1/images/" + lease.build().imageName()).body() + provenance(team, lease);

        for (String secret : List.of(PASSWORD, PASSPHRASE)) {
            assertThat(everyRow).doesNotContain(secret);
            assertThat(api).doesNotContain(secret);
            assertThat(output.getAll()).doesNotContain(secret);
        }
        assertThat(team.get("/api/v1/builds/" + id + "/logs").body()).contains("KLDLOAD_PASSWORD=********");
    }

    /** The signed statement, decoded: its base64 would hide a secret from a plain search. */
    private static String provenance(Api team, Lease lease) {
        DsseEnvelope envelope = team.get("/api/v1/images/" + lease.build().imageName() + "/provenance")
                .as(DsseEnvelope.class);
        return new String(Base64.getDecoder().decode(envelope.payload()), StandardCharsets.UTF_8);
    }
}
