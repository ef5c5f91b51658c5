package dev.goldsmith.builds;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ImageNamesTest {

    @Test
    void followsTheSeedConventionWithShortShaAndSuffixForTakenNames() {
        String base = ImageNames.base("debian", "server", LocalDate.of(2026, 4, 4), "a1b2c3d4e5f6");

        assertThat(base).isEqualTo("golden-debian-server-v20260404-a1b2c3d");
        assertThat(ImageNames.nth(base, 1)).isEqualTo(base);
        assertThat(ImageNames.nth(base, 3)).isEqualTo(base + "-3");
    }
}
