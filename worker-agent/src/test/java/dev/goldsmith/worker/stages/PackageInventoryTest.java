package dev.goldsmith.worker.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.InstalledPackage;
import org.junit.jupiter.api.Test;

class PackageInventoryTest {

    @Test
    void dpkgLinesBecomePackagesWithVersionAndArchitecture() {
        PackageInventory.Parsed parsed = PackageInventory.parse("""
                openssh-server\t1:9.2p1-2+deb12u3\tamd64
                zfsutils-linux\t2.1.11-1\tamd64
                tzdata\t2024a-0+deb12u1\tall
                """);

        assertThat(parsed.packages()).containsExactly(
                new InstalledPackage("openssh-server", "1:9.2p1-2+deb12u3", "amd64"),
                new InstalledPackage("zfsutils-linux", "2.1.11-1", "amd64"),
                new InstalledPackage("tzdata", "2024a-0+deb12u1", "all"));
        assertThat(parsed.skipped()).isEmpty();
    }

    @Test
    void rpmPackageWithoutArchitectureKeepsNone() {
        PackageInventory.Parsed parsed = PackageInventory.parse("gpg-pubkey\t0:fd431d51-4ae0493b\t(none)\n"
                + "NetworkManager\t1:1.46.0-1.el9\tx86_64\n");

        assertThat(parsed.packages()).containsExactly(
                new InstalledPackage("gpg-pubkey", "0:fd431d51-4ae0493b", null),
                new InstalledPackage("NetworkManager", "1:1.46.0-1.el9", "x86_64"));
    }

    @Test
    void linesThatAreNotPackagesAreSkippedNotSent() {
        PackageInventory.Parsed parsed = PackageInventory.parse("""
                sudo: unable to resolve host golden
                busybox-static\t1:1.35.0-4+b3\tamd64
                evil;name\t1.0\tamd64
                nover
                """);

        assertThat(parsed.packages()).containsExactly(new InstalledPackage("busybox-static", "1:1.35.0-4+b3", "amd64"));
        assertThat(parsed.skipped()).containsExactly("sudo: unable to resolve host golden", "evil;name\t1.0\tamd64",
                "nover");
    }

    @Test
    void emptyOutputIsNoPackages() {
        assertThat(PackageInventory.parse("").packages()).isEmpty();
    }
}
