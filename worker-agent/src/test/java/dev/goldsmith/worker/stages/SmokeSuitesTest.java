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

    @Test
    void bothSuitesCheckTheResolverConfigurationInsteadOfResolvingAnOutsideName() {
        Check golden = SmokeSuites.golden("web1").stream().filter(c -> c.name().equals("dns-configured"))
                .findFirst().orElseThrow();
        Check tiny = SmokeSuites.tiny("web1").stream().filter(c -> c.name().equals("dns-configured"))
                .findFirst().orElseThrow();

        assertThat(golden.command()).contains("getent hosts", "/etc/resolv.conf").doesNotContain("github.com");
        assertThat(golden.expectation().test("hosts: files myhostname resolve [!UNAVAIL=return] dns\n"
                + "nameserver 127.0.0.53\n")).isTrue();
        assertThat(golden.expectation().test("hosts: files\nnameserver 127.0.0.53\n")).as("no DNS in NSS").isFalse();
        assertThat(golden.expectation().test("hosts: files dns\n")).as("no nameserver").isFalse();
        assertThat(tiny.expectation().test("hosts: files dns\n/run/resolv.conf\n")).isTrue();
        assertThat(tiny.expectation().test("hosts: files dns\n")).isFalse();
    }

    @Test
    void networkUpMeansAnAddressNotARouteWhichAnIsolatedVmHasNone() {
        Check up = SmokeSuites.golden("web1").stream().filter(c -> c.name().equals("network-up")).findFirst()
                .orElseThrow();

        assertThat(up.expectation().test("2: ens3    inet 10.0.2.15/24 metric 1024 brd 10.0.2.255 scope global "
                + "dynamic ens3\n")).isTrue();
        assertThat(up.expectation().test("")).isFalse();
    }

    @Test
    void theRootCheckIsTheFarmsOwnProbeInBothSuites() {
        assertThat(SmokeSuites.golden("h")).filteredOn(c -> c.name().equals("root-login-refused"))
                .singleElement().extracting(Check::command).isEqualTo(SmokeSuites.ROOT_LOGIN);
        assertThat(SmokeSuites.tiny("h")).filteredOn(c -> c.name().equals("root-login-refused"))
                .singleElement().extracting(Check::command).isEqualTo(SmokeSuites.ROOT_LOGIN);
    }
}
