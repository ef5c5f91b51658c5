package dev.goldsmith.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.BuildSpec;
import dev.goldsmith.api.Source;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BuildRunnerTest {

    private static BuildSpec spec(Map<String, String> answers, List<String> secretKeys) {
        return new BuildSpec(UUID.randomUUID(), 1, "debian", "core", "reference-tiny", null, answers, secretKeys,
                List.of("qcow2"), new Source("r", "abcdef0"), "tiny", "golden-debian-core-v20261207-abcdef0",
                Duration.ofHours(1));
    }

    @Test
    void aPasswordTheWorkerMadeUpIsMaskedLikeTheSecretsTheRequestGave() {
        var spec = spec(Map.of("KLDLOAD_ZFS_PASSPHRASE", "pool-secret"), List.of("KLDLOAD_ZFS_PASSPHRASE"));

        List<String> masked = BuildRunner.masked(spec, "made-up-by-the-worker");

        assertThat(masked).containsExactlyInAnyOrder("pool-secret", "made-up-by-the-worker");
        BuildLog log = new BuildLog(new dev.goldsmith.worker.protocol.ControlPlane(java.net.URI.create(
                "http://127.0.0.1:9"), "unused"), UUID.randomUUID(), masked);
        assertThat(log.mask("installer echoed KLDLOAD_PASSWORD=made-up-by-the-worker"))
                .isEqualTo("installer echoed KLDLOAD_PASSWORD=********");
        log.close();
    }
}
