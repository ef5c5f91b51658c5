package dev.goldsmith.builds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretScrubberTest {

    @Test
    void masksEverySecretIncludingOnesInsideOthers() {
        SecretScrubber scrubber = new SecretScrubber(List.of("hunter22", "hunter22-long"));

        assertThat(scrubber.scrub("pw=hunter22-long and hunter22.")).isEqualTo("pw=******** and ********.");
    }

    @Test
    void leavesTextWithoutSecretsAndTinyValuesAlone() {
        SecretScrubber scrubber = new SecretScrubber(List.of("abc"));

        assertThat(scrubber.scrub("abc def")).isEqualTo("abc def");
        assertThat(scrubber.scrub(null)).isNull();
    }
}
