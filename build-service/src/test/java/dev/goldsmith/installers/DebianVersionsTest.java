package dev.goldsmith.installers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DebianVersionsTest {

    @ParameterizedTest(name = "{0} < {1}")
    @CsvSource({
        "1:1.2.13.dfsg-1, 1:1.2.13.dfsg-1+deb12u1",
        "1.0~rc1, 1.0",
        "1.0~rc1, 1.0~rc2",
        "1.0, 1.0-1",
        "1.9, 1.10",
        "1.0, 1.0a",
        "1.0, 1.0+b1",
        "1.0+1, 1.0.1",
        "9.9, 1:0.1",
        "6.1.0-25, 6.1.0-26",
        "2022.83-1, 2022.83-1+deb12u3",
        "1.0a, 1.0b",
        "1.0~, 1.0"
    })
    void ordersVersionsAsDpkgDoes(String older, String newer) {
        assertThat(DebianVersions.compare(older, newer)).isNegative();
        assertThat(DebianVersions.compare(newer, older)).isPositive();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"0:1.0, 1.0", "1.01, 1.1", "1:1.2.13.dfsg-1, 1:1.2.13.dfsg-1"})
    void equalVersionsCompareEqual(String a, String b) {
        assertThat(DebianVersions.compare(a, b)).isZero();
    }
}
