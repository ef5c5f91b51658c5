package dev.goldsmith.builds;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

    private static final Fingerprints FINGERPRINTS = new Fingerprints("k".repeat(32).getBytes());

    private static final String MEDIUM = "ab".repeat(32);

    private static ValidatedRequest request(Map<String, String> answers, Map<String, String> secrets, int priority,
            List<String> formats) {
        return request("reference-tiny", "reference-tiny", MEDIUM, answers, secrets, priority, formats);
    }

    private static ValidatedRequest request(String installer, String installerName, String installerSha256,
            Map<String, String> answers, Map<String, String> secrets, int priority, List<String> formats) {
        return new ValidatedRequest("debian", "server", installer, installerName, installerSha256,
                new TreeMap<>(answers), new TreeMap<>(secrets),
                formats, "https://git.example.com/r.git", "abcdef1234567", "tiny", null, priority, Map.of(),
                Duration.ofHours(2), "any", "x86_64", List.of(), false);
    }

    @Test
    void sameInputsGiveTheSameFingerprintWhateverTheScheduling() {
        String one = FINGERPRINTS.of(request(Map.of("KLDLOAD_HOSTNAME", "a", "KLDLOAD_LOCALE", "C"),
                Map.of("KLDLOAD_PASSWORD", "one-password"), 10, List.of("qcow2")));
        String two = FINGERPRINTS.of(request(Map.of("KLDLOAD_LOCALE", "C", "KLDLOAD_HOSTNAME", "a"),
                Map.of("KLDLOAD_PASSWORD", "one-password"), 90, List.of("qcow2")));

        assertThat(one).isEqualTo(two).hasSize(64);
    }

    @Test
    void anotherSecretIsAnotherInputButTheSecretItselfNeverEntersTheHashedText() {
        var password = request(Map.of(), Map.of("KLDLOAD_PASSWORD", "one-password"), 50, List.of("qcow2"));
        var otherPassword = request(Map.of(), Map.of("KLDLOAD_PASSWORD", "another-password"), 50, List.of("qcow2"));
        var passphrase = request(Map.of(), Map.of("KLDLOAD_PASSWORD", "one-password",
                "KLDLOAD_ZFS_PASSPHRASE", "pool-passphrase"), 50, List.of("qcow2"));
        var otherPassphrase = request(Map.of(), Map.of("KLDLOAD_PASSWORD", "one-password",
                "KLDLOAD_ZFS_PASSPHRASE", "other-passphrase"), 50, List.of("qcow2"));

        assertThat(FINGERPRINTS.of(password)).isNotEqualTo(FINGERPRINTS.of(otherPassword));
        assertThat(FINGERPRINTS.of(passphrase)).isNotEqualTo(FINGERPRINTS.of(otherPassphrase))
                .isNotEqualTo(FINGERPRINTS.of(password));
    }

    @Test
    void theSameSecretsUnderAnotherFarmKeyGiveAnotherFingerprint() {
        var request = request(Map.of(), Map.of("KLDLOAD_PASSWORD", "one-password"), 50, List.of("qcow2"));

        assertThat(new Fingerprints("j".repeat(32).getBytes()).of(request)).isNotEqualTo(FINGERPRINTS.of(request));
    }

    @Test
    void theInstallerCountsByItsMediumNotByTheNameItWasAskedFor() {
        Map<String, String> answers = Map.of("KLDLOAD_HOSTNAME", "a");
        String byName = FINGERPRINTS.of(request("reference-tiny", "reference-tiny", MEDIUM, answers, Map.of(), 50,
                List.of("qcow2")));
        String byDigest = FINGERPRINTS.of(request("sha256:" + MEDIUM, "tiny-copy", MEDIUM, answers, Map.of(), 50,
                List.of("qcow2")));
        String otherMedium = FINGERPRINTS.of(request("reference-tiny", "reference-tiny", "cd".repeat(32), answers,
                Map.of(), 50, List.of("qcow2")));

        assertThat(byDigest).isEqualTo(byName);
        assertThat(otherMedium).isNotEqualTo(byName);
    }

    @Test
    void anyChangedInputChangesTheFingerprint() {
        String base = FINGERPRINTS.of(request(Map.of("KLDLOAD_HOSTNAME", "a"), Map.of(), 50, List.of("qcow2")));

        assertThat(FINGERPRINTS.of(request(Map.of("KLDLOAD_HOSTNAME", "b"), Map.of(), 50, List.of("qcow2"))))
                .isNotEqualTo(base);
        assertThat(FINGERPRINTS.of(request(Map.of("KLDLOAD_HOSTNAME", "a"), Map.of(), 50, List.of("qcow2", "raw"))))
                .isNotEqualTo(base);
    }

    @Test
    void idempotencyHashTellsRequestsWithOtherSecretsApart() {
        var withPassword = request(Map.of(), Map.of("KLDLOAD_PASSWORD", "x-password"), 50, List.of("qcow2"));
        var samePassword = request(Map.of(), Map.of("KLDLOAD_PASSWORD", "x-password"), 50, List.of("qcow2"));
        var otherPassword = request(Map.of(), Map.of("KLDLOAD_PASSWORD", "y-password"), 50, List.of("qcow2"));
        var noPassword = request(Map.of(), Map.of(), 50, List.of("qcow2"));

        assertThat(FINGERPRINTS.ofRequest(withPassword)).isEqualTo(FINGERPRINTS.ofRequest(samePassword))
                .isNotEqualTo(FINGERPRINTS.ofRequest(otherPassword))
                .isNotEqualTo(FINGERPRINTS.ofRequest(noPassword));
    }
}
