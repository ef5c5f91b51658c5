package dev.goldsmith.artifacts;

import dev.goldsmith.GoldsmithProperties;
import io.minio.MinioAsyncClient;
import okhttp3.OkHttpClient;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The object store: the S3-compatible endpoint of {@code goldsmith.s3.endpoint}, or else an embedded S3Proxy
 * whose objects live in {@code <dataDir>/s3} and so survive restarts. Either way the bucket is created if
 * missing.
 */
@Configuration(proxyBeanMethods = false)
class ObjectStoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ObjectStoreConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedObjectStore embeddedObjectStore(GoldsmithProperties properties) {
        GoldsmithProperties.S3 s3 = properties.s3();
        if (s3.external()) {
            return EmbeddedObjectStore.none();
        }
        Path dir = properties.dataDir().resolve("s3");
        EmbeddedObjectStore embedded = EmbeddedObjectStore.start(dir, s3.embeddedAddress(), s3.embeddedPort(),
                s3.accessKey(), s3.secretKey());
        log.info("Embedded object store (S3Proxy) at {} with objects in {}", embedded.endpoint(), dir);
        return embedded;
    }

    @Bean(destroyMethod = "close")
    ObjectStore objectStore(GoldsmithProperties properties, EmbeddedObjectStore embedded) {
        GoldsmithProperties.S3 s3 = properties.s3();
        GoldsmithProperties.Artifacts artifacts = properties.artifacts();
        String endpoint = embedded.running() ? embedded.endpoint() : s3.endpoint();
        String accessKey = embedded.running() ? embedded.accessKey() : s3.accessKey();
        String secretKey = embedded.running() ? embedded.secretKey() : s3.secretKey();
        String publicEndpoint = s3.publicEndpoint() == null || s3.publicEndpoint().isBlank()
                ? endpoint : s3.publicEndpoint();
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(s3.timeouts().connect())
                .readTimeout(s3.timeouts().read())
                .writeTimeout(s3.timeouts().write())
                .build();
        MinioAsyncClient client = client(endpoint, s3.region(), accessKey, secretKey, http);
        MinioAsyncClient presigner = publicEndpoint.equals(endpoint) ? client
                : client(publicEndpoint, s3.region(), accessKey, secretKey, http);
        ObjectStore store = new ObjectStore(client, presigner, s3.bucket(), s3.region(), artifacts.urlExpiry(),
                embedded, s3.timeouts());
        try {
            store.ensureBucket();
        } catch (ObjectStoreException e) {
            if (embedded.running()) {
                throw e;
            }
            // An external store that is down at start must not keep the control plane down: uploads answer 503.
            log.warn("Object store {} unreachable at start; bucket {} not checked: {}", endpoint, s3.bucket(),
                    e.getMessage());
        }
        return store;
    }

    private static MinioAsyncClient client(String endpoint, String region, String accessKey, String secretKey,
            OkHttpClient http) {
        MinioAsyncClient.Builder builder = MinioAsyncClient.builder().endpoint(endpoint).region(region)
                .httpClient(http);
        if (accessKey != null && !accessKey.isBlank()) {
            builder.credentials(accessKey, secretKey);
        }
        return builder.build();
    }
}
