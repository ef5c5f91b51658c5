package dev.goldsmith.worker.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildKeyTest {

    @Test
    void publicKeyIsOneAuthorizedKeysLineWithTheBuildAsComment() {
        BuildKey key = BuildKey.generate("goldsmith-build-1234");

        assertThat(key.publicKeyLine()).matches("ecdsa-sha2-nistp256 [A-Za-z0-9+/=]+ goldsmith-build-1234");
        assertThat(BuildKey.generate("x").publicKeyLine()).isNotEqualTo(key.publicKeyLine());
    }
}
