package dev.goldsmith.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.support.Api;
import dev.goldsmith.support.Instances;
import dev.goldsmith.support.ServiceTest;
import java.net.ServerSocket;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Readiness needs the database and the object store; liveness does not. */
class ReadinessTest extends ServiceTest {


    @Test
    void readyWithTheDatabaseAndTheObjectStore() {
        Api.Response readiness = anonymous().get("/actuator/health/readiness");

        assertThat(readiness.status()).as(readiness.toString()).isEqualTo(200);
        assertThat(readiness.json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void notReadyButAliveWhileTheObjectStoreIsUnreachable() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (ConfigurableApplicationContext storeless = Instances.start(sameDatabase(
                "goldsmith.admin-token=" + ADMIN_TOKEN,
                "goldsmith.data-dir=" + Files.createTempDirectory("goldsmith-storeless-"),
                "goldsmith.s3.endpoint=http://127.0.0.1:" + deadPort,
                "goldsmith.s3.access-key=nobody", "goldsmith.s3.secret-key=nothing-at-all"))) {
            Api api = anonymous().onPort(Instances.port(storeless));

            Api.Response readiness = api.get("/actuator/health/readiness");
            Api.Response liveness = api.get("/actuator/health/liveness");

            assertThat(readiness.status()).as(readiness.toString()).isEqualTo(503);
            assertThat(readiness.json().get("status").asString()).isEqualTo("DOWN");
            assertThat(liveness.status()).as(liveness.toString()).isEqualTo(200);
        }
    }
}
