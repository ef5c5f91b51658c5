package dev.goldsmith;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * The object store and provenance settings read their documented environment forms and default to the embedded
 * store and a generated key.
 */
class GoldsmithPropertiesTest {

    private static GoldsmithProperties bind(Map<String, Object> environment) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        return Binder.get(env).bindOrCreate("goldsmith", GoldsmithProperties.class);
    }

    @Test
    void s3SettingsReadTheirEnvironmentForms() {
        GoldsmithProperties properties = bind(Map.of(
                "GOLDSMITH_S3_ENDPOINT", "https://s3.example.com",
                "GOLDSMITH_S3_BUCKET", "golden",
                "GOLDSMITH_S3_ACCESS_KEY", "AKIAEXAMPLE",
                "GOLDSMITH_S3_SECRET_KEY", "secret",
                "GOLDSMITH_S3_REGION", "eu-central-1",
                "GOLDSMITH_S3_PUBLIC_ENDPOINT", "https://downloads.example.com",
                "GOLDSMITH_ARTIFACTS_PART_SIZE", "32MB"));

        assertThat(properties.s3()).isEqualTo(new GoldsmithProperties.S3("https://s3.example.com", "golden",
                "AKIAEXAMPLE", "secret", "eu-central-1", "https://downloads.example.com", 0, "127.0.0.1",
                new GoldsmithProperties.S3.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30),
                        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5))));
        assertThat(properties.s3().external()).isTrue();
        assertThat(properties.artifacts().partSize()).isEqualTo(DataSize.ofMegabytes(32));
    }

    @Test
    void provenanceAndPublicUrlSettingsReadTheirEnvironmentForms() {
        GoldsmithProperties properties = bind(Map.of(
                "GOLDSMITH_PUBLIC_URL", "https://goldsmith.example.com",
                "GOLDSMITH_PROVENANCE_PRIVATE_KEY_FILE", "/etc/goldsmith/provenance.pem",
                "GOLDSMITH_PROVENANCE_FARM_ID", "https://farm.example.com",
                "GOLDSMITH_ARTIFACTS_DOWNLOAD_URL_EXPIRY", "2m"));

        assertThat(properties.publicUrl()).isEqualTo("https://goldsmith.example.com");
        assertThat(properties.provenance().privateKeyFile()).isEqualTo(Path.of("/etc/goldsmith/provenance.pem"));
        assertThat(properties.provenance().farmId()).isEqualTo("https://farm.example.com");
        assertThat(properties.artifacts().downloadUrlExpiry()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void provenanceDefaultsToAGeneratedKeyAndTheGenericFarmId() {
        GoldsmithProperties properties = bind(Map.of());

        assertThat(properties.publicUrl()).isNull();
        assertThat(properties.provenance().privateKeyFile()).isNull();
        assertThat(properties.provenance().farmId()).isEqualTo("https://goldsmith.dev/farm");
        assertThat(properties.artifacts().downloadUrlExpiry()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void withoutAnEndpointTheEmbeddedStoreIsUsedWithItsDefaults() {
        GoldsmithProperties properties = bind(Map.of());

        assertThat(properties.s3().external()).isFalse();
        assertThat(properties.s3().bucket()).isEqualTo("goldsmith-images");
        assertThat(properties.artifacts().partSize()).isEqualTo(DataSize.ofMegabytes(16));
        assertThat(properties.artifacts().maxSize()).isEqualTo(DataSize.ofGigabytes(64));
    }

    @Test
    void referenceInstallersComeFromTheInstallerDirOrElseFromUnderTheDataDir() {
        assertThat(bind(Map.of("GOLDSMITH_DATA_DIR", "/var/lib/goldsmith")).referenceInstallers())
                .isEqualTo(Path.of("/var/lib/goldsmith/installers"));
        assertThat(bind(Map.of("GOLDSMITH_DATA_DIR", "/var/lib/goldsmith",
                "GOLDSMITH_INSTALLER_DIR", "/opt/goldsmith/installers")).referenceInstallers())
                .isEqualTo(Path.of("/opt/goldsmith/installers"));
    }

    private static Throwable refusal(Map<String, Object> environment) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> bind(environment));
        assertThat(thrown).as("settings " + environment + " were accepted").isNotNull();
        Throwable root = thrown;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    @Test
    void aLeaseShorterThanThreeHeartbeatsIsRefusedAtStartWithBothSettingsNamed() {
        assertThat(refusal(Map.of("GOLDSMITH_LEASE_TTL", "10s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("goldsmith.lease-ttl (PT10S) must be at least 3 x "
                        + "goldsmith.workers.heartbeat-interval (PT20S)");
        assertThat(bind(Map.of("GOLDSMITH_LEASE_TTL", "10s", "GOLDSMITH_WORKERS_HEARTBEAT_INTERVAL", "3s"))
                .leaseTtl()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void settingsThatDependOnEachOtherAreCheckedTogetherAndEveryProblemIsListed() {
        Throwable refused = refusal(Map.of(
                "GOLDSMITH_WORKERS_OFFLINE_AFTER", "20s",
                "GOLDSMITH_QUEUE_SWEEP_INTERVAL", "5m",
                "GOLDSMITH_ARTIFACTS_PART_SIZE", "1MB",
                "GOLDSMITH_ARTIFACTS_MAX_SIZE", "100TB",
                "GOLDSMITH_BUILDS_MIN_TIMEOUT", "3h",
                "GOLDSMITH_LIMITS_MAX_LOG_PER_BUILD", "1KB",
                "GOLDSMITH_TRUSTED_PROXIES", "10.0.0.0/33"));

        assertThat(refused.getMessage()).contains("goldsmith.workers.offline-after (PT20S)",
                "goldsmith.queue.sweep-interval (PT5M)", "goldsmith.artifacts.part-size (1MB)",
                "goldsmith.artifacts.max-size (100TB)", "goldsmith.builds.min-timeout (PT3H)",
                "goldsmith.limits.max-log-per-build (1KB)", "goldsmith.trusted-proxies: '10.0.0.0/33'");
    }

    @Test
    void theDefaultsWorkTogether() {
        GoldsmithProperties properties = bind(Map.of());

        assertThat(properties.leaseTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(properties.trustedProxies()).isEmpty();
        assertThat(properties.limits().maxLogPerBuild()).isEqualTo(DataSize.ofMegabytes(64));
    }
}
