package dev.goldsmith.worker.stages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BootEnvironmentCycleTest {

    /** {@code kbe list} in the new environment right after {@code kbe activate web1}: N = running, R = next. */
    private static final String KBE_LIST = """
            BE                       FLAGS USED     CREATED                ORIGIN
            goldsmith-be-check       N     1.2M     2026-11-26 13:02:11    rpool/ROOT/web1@kbe-20261126T130211Z
            web1                     R     812.4M   2026-11-26 12:58:40    -
            """;

    @Test
    void nextBootIsTheEnvironmentFlaggedR() {
        assertThat(BootEnvironmentCycle.nextBoot(KBE_LIST, "web1")).isTrue();
        assertThat(BootEnvironmentCycle.nextBoot(KBE_LIST, "goldsmith-be-check")).isFalse();
    }

    @Test
    void nextBootDoesNotMatchAnEnvironmentWhoseNameOnlyStartsTheSame() {
        String list = "BE FLAGS\nweb1-old R 1M 2026-11-26 12:00:00 -\nweb1 N 1M 2026-11-26 12:00:00 -\n";

        assertThat(BootEnvironmentCycle.nextBoot(list, "web1")).isFalse();
    }

    @Test
    void landedInNeedsTheEnvironmentsDatasetAtRootAndTheMarkerAsExpected() {
        assertThat(BootEnvironmentCycle.landedIn("rpool/ROOT/goldsmith-be-check\nmarker-absent\n",
                "goldsmith-be-check", "marker-absent")).isTrue();
        assertThat(BootEnvironmentCycle.landedIn("rpool/ROOT/web1\nmarker-absent\n", "goldsmith-be-check",
                "marker-absent")).isFalse();
        assertThat(BootEnvironmentCycle.landedIn("rpool/ROOT/goldsmith-be-check\nmarker-present\n",
                "goldsmith-be-check", "marker-absent")).isFalse();
    }
}
