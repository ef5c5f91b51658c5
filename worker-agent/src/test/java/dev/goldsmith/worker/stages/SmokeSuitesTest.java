package dev.goldsmith.worker.stages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmokeSuitesTest {

    private static final String HEX = "c903438b749d918f18ca66c17f2b64d9e4a66c2703fa97bb33df4f0e6f5bf844";

    @Test
    void darksiteCheckPassesWhenTheInstalledLockHashesToTheDarksiteDigest() {
        Check check = SmokeSuites.darksite("sha256:" + HEX);

        assertThat(check.name()).isEqualTo("darksite-installed");
        assertThat(check.expectation().test(HEX + "  -\n")).isTrue();
        assertThat(check.expectation().test("0".repeat(64) + "  -\n")).isFalse();
        assertThat(check.expectation().test("")).isFalse();
    }

    @Test
    void goldenSuiteProvesBootEnvironmentsAndSealingAndTinyDoesNot() {
        assertThat(SmokeSuites.provesBootEnvironmentsAndSealing("golden")).isTrue();
        assertThat(SmokeSuites.provesBootEnvironmentsAndSealing("tiny")).isFalse();
    }
}
