package dev.goldsmith.worker.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.CheckResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SealedClonesTest {

    private static final SealedClones.Identity BEFORE_SEAL =
            new SealedClones.Identity("0123456789abcdef0123456789abcdef", "SHA256:before");

    private static final String IMAGE = "golden-debian-core-v20261207-abcdef0";
    private static final String SEALED = "rpool@" + IMAGE + "\nrpool/ROOT/web@" + IMAGE + "\nrpool/home@" + IMAGE + "\n";

    private static SealedClones.Clone clone(int n, String machineId, String hostKey) {
        return clone(n, machineId, hostKey, SEALED);
    }

    private static SealedClones.Clone clone(int n, String machineId, String hostKey, String snapshots) {
        return new SealedClones.Clone("sealed-clone-" + n, new SealedClones.Identity(machineId, hostKey),
                "sealed-clone-" + n, false, snapshots);
    }

    private static Map<String, Boolean> verdicts(List<SealedClones.Clone> clones) {
        return SealedClones.judge(clones, BEFORE_SEAL, IMAGE, 1000).stream()
                .collect(Collectors.toMap(CheckResult::name, CheckResult::passed));
    }

    @Test
    void clonesWithTheirOwnIdsKeysAndSeedHostnamesPassEveryCheck() {
        assertThat(verdicts(List.of(clone(1, "11111111111111111111111111111111", "SHA256:one"),
                clone(2, "22222222222222222222222222222222", "SHA256:two"))))
                .containsOnlyKeys("sealed-clones-distinct-machine-ids", "sealed-clones-distinct-host-keys",
                        "sealed-clones-hostname-from-nocloud", "sealed-clones-build-key-refused", "sealed-snapshot-only")
                .doesNotContainValue(false);
    }

    @Test
    void clonesSharingAMachineIdFail() {
        assertThat(verdicts(List.of(clone(1, "11111111111111111111111111111111", "SHA256:one"),
                clone(2, "11111111111111111111111111111111", "SHA256:two"))))
                .containsEntry("sealed-clones-distinct-machine-ids", false)
                .containsEntry("sealed-clones-distinct-host-keys", true);
    }

    @Test
    void aCloneKeepingThePreSealMachineIdOrAnEmptyOneFails() {
        assertThat(verdicts(List.of(clone(1, BEFORE_SEAL.machineId(), "SHA256:one"),
                clone(2, "22222222222222222222222222222222", "SHA256:two"))))
                .containsEntry("sealed-clones-distinct-machine-ids", false);
        assertThat(verdicts(List.of(clone(1, "", "SHA256:one"), clone(2, "22222222222222222222222222222222",
                "SHA256:two")))).containsEntry("sealed-clones-distinct-machine-ids", false);
    }

    @Test
    void aCloneKeepingThePreSealHostKeyFails() {
        assertThat(verdicts(List.of(clone(1, "11111111111111111111111111111111", BEFORE_SEAL.hostKey()),
                clone(2, "22222222222222222222222222222222", "SHA256:two"))))
                .containsEntry("sealed-clones-distinct-host-keys", false);
    }

    @Test
    void aCloneThatIgnoredItsSeedHostnameOrLetTheBuildKeyInFails() {
        var ignoredSeed = new SealedClones.Clone("sealed-clone-1",
                new SealedClones.Identity("11111111111111111111111111111111", "SHA256:one"), "web1", true, SEALED);

        assertThat(verdicts(List.of(ignoredSeed, clone(2, "22222222222222222222222222222222", "SHA256:two"))))
                .containsEntry("sealed-clones-hostname-from-nocloud", false)
                .containsEntry("sealed-clones-build-key-refused", false);
    }

    @Test
    void aSealedImageStillCarryingItsInstallSnapshotOrLackingItsOwnFails() {
        String withInstall = SEALED + "rpool/ROOT/web@install-20261207T101010Z\n";

        assertThat(verdicts(List.of(clone(1, "11111111111111111111111111111111", "SHA256:one", withInstall),
                clone(2, "22222222222222222222222222222222", "SHA256:two"))))
                .containsEntry("sealed-snapshot-only", false);
        assertThat(verdicts(List.of(clone(1, "11111111111111111111111111111111", "SHA256:one", "rpool@other\n"),
                clone(2, "22222222222222222222222222222222", "SHA256:two"))))
                .containsEntry("sealed-snapshot-only", false);
    }
}
