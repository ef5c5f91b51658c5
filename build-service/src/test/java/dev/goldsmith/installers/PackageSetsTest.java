package dev.goldsmith.installers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.PackageChange;
import dev.goldsmith.api.PackageChanges;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackageSetsTest {

    @Test
    void aLockIsReadAsVersionsByNameSkippingCommentsAndBlankLines() {
        var versions = PackageSets.versions("""
                # a comment
                zlib1g 1:1.2.13.dfsg-1 amd64 abc

                busybox-static 1:1.35.0-4+b3 amd64 def 123
                """);

        assertThat(versions).containsExactly(Map.entry("busybox-static", "1:1.35.0-4+b3"),
                Map.entry("zlib1g", "1:1.2.13.dfsg-1"));
    }

    @Test
    void aPackageOfTwoArchitecturesIsKeptOncePerArchitecture() {
        var versions = PackageSets.versions("libc6 2.36-9 amd64 a\nlibc6 2.36-9 i386 b\n");

        assertThat(versions).containsOnlyKeys("libc6:amd64", "libc6:i386");
    }

    @Test
    void changesSayWhatWasAddedRemovedUpgradedAndDowngraded() {
        PackageChanges changes = PackageSets.changes(
                Map.of("zlib1g", "1:1.2.13.dfsg-1", "kmod", "30", "curl", "7.88.1-10+deb12u8", "same", "1"),
                Map.of("zlib1g", "1:1.2.13.dfsg-1+deb12u1", "dosfstools", "4.2-1", "curl", "7.88.1-10", "same", "1"));

        assertThat(changes.added()).containsExactly("dosfstools 4.2-1");
        assertThat(changes.removed()).containsExactly("kmod 30");
        assertThat(changes.upgraded()).containsExactly(
                new PackageChange("zlib1g", "1:1.2.13.dfsg-1", "1:1.2.13.dfsg-1+deb12u1"));
        assertThat(changes.downgraded()).containsExactly(new PackageChange("curl", "7.88.1-10+deb12u8", "7.88.1-10"));
        PackageChanges none = PackageSets.changes(Map.of("a", "1"), Map.of("a", "1"));
        assertThat(none.added()).isEmpty();
        assertThat(none.upgraded()).isEmpty();
    }
}
