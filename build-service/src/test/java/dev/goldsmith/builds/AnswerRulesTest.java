package dev.goldsmith.builds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerRulesTest {

    private static boolean accepts(String key, String value) {
        return AnswerRules.ruleFor(key).orElseThrow().accepts().test(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"web1", "golden-ci", "a", "db-01.prod.example.com",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void hostnameAcceptsRfc1123Names(String name) {
        assertThat(accepts("KLDLOAD_HOSTNAME", name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-web", "web-", "web_1", "web 1", "a..b", "web.", "123", "wéb",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void hostnameRefusesWhatRfc1123Refuses(String name) {
        assertThat(accepts("KLDLOAD_HOSTNAME", name)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "KLDLOAD_DISK, /dev/vda, true",
            "KLDLOAD_DISK, /dev/nvme0n1, true",
            "KLDLOAD_DISK, /dev/disk/by-id/virtio-abc_123, true",
            "KLDLOAD_DISK, /dev/disk/by-id/../../sda, false",
            "KLDLOAD_DISK, /tmp/disk, false",
            "KLDLOAD_NET_DNS, '1.1.1.1,8.8.8.8', true",
            "KLDLOAD_NET_DNS, '1.1.1.1;8.8.8.8', false",
            "KLDLOAD_NET_IP, 10.0.0.256, false",
            "KLDLOAD_TIMEZONE, America/Vancouver, true",
            "KLDLOAD_TIMEZONE, ../etc/passwd, false",
            "KLDLOAD_EXTRA_PACKAGES, 'vim curl,htop', true",
            "KLDLOAD_EXTRA_PACKAGES, 'vim;reboot', false",
            "KLDLOAD_ZFS_TOPOLOGY, mirror-stripe, true",
            "KLDLOAD_ENABLE_SECURE_BOOT, 2, false",
            "KLDLOAD_USERNAME, admin, true",
            "KLDLOAD_USERNAME, Admin, false"})
    void valuesFollowTheirKeysRule(String key, String value, boolean accepted) {
        assertThat(accepts(key, value)).isEqualTo(accepted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"KLDLOAD_PASSWORD", "KLDLOAD_ROOT_PASSWORD", "KLDLOAD_ZFS_PASSPHRASE", "KLDLOAD_WIFI_PSK",
            "KLDLOAD_API_TOKEN", "KLDLOAD_CLIENT_SECRET", "KLDLOAD_RHEL_KEY"})
    void secretsAreRecognisedBySuffix(String key) {
        assertThat(AnswerRules.isSecret(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"KLDLOAD_SSH_PUBKEY", "KLDLOAD_HOSTNAME", "KLDLOAD_KEYBOARD_LAYOUT"})
    void publicKeysAndOrdinaryKeysAreNotSecrets(String key) {
        assertThat(AnswerRules.isSecret(key)).isFalse();
    }
}
