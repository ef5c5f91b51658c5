package dev.goldsmith.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldsmith.support.Instances;
import dev.goldsmith.support.ReferenceMedia;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The embedded PostgreSQL lets nobody in without the password the service generated: not a local user, not a
 * guest that reached the host. A data directory an older version made (zonky's {@code trust}) is locked down
 * when the service starts on it, with its data intact.
 */
class EmbeddedDatabaseLockdownTest {

    private static ConfigurableApplicationContext start(Path dataDir) {
        return Instances.start("goldsmith.data-dir=" + dataDir, "goldsmith.admin-token=lockdown-admin-token-01");
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getBean(DatabaseConfiguration.EmbeddedDatabase.class).port();
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
    }

    @Test
    void aNewDataDirectoryNeedsTheGeneratedPasswordForEveryConnection() throws Exception {
        Path dataDir = ReferenceMedia.inDataDir(Files.createTempDirectory("goldsmith-lockdown-"));
        try (var service = start(dataDir)) {
            int port = port(service);
            Path passwordFile = dataDir.resolve("keys/postgres-password");
            String password = Files.readString(passwordFile).strip();

            assertThat(password).hasSizeGreaterThanOrEqualTo(32);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf"))).doesNotContain("trust")
                    .contains("scram-sha-256");
            assertThatThrownBy(() -> connect(port, null).close()).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(port, "not-the-password").close()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            try (Connection right = connect(port, password)) {
                assertThat(right.isValid(5)).isTrue();
            }
        }
    }

    @Test
    void itListensOnLoopbackOnly() throws Exception {
        Path dataDir = ReferenceMedia.inDataDir(Files.createTempDirectory("goldsmith-lockdown-"));
        try (var service = start(dataDir); DatagramSocket route = new DatagramSocket()) {
            route.connect(new InetSocketAddress("192.0.2.1", 9));
            String outside = route.getLocalAddress().getHostAddress();

            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(outside, port(service)), 2_000);
                }
            }).as("a connection to " + outside).isInstanceOf(java.io.IOException.class);
            assertThat(Files.readString(dataDir.resolve("postgres/postmaster.opts")))
                    .contains("listen_addresses=127.0.0.1", "unix_socket_directories=");
        }
    }

    @Test
    void aDataDirectoryThatTrustedLocalConnectionsIsLockedDownAndKeepsItsData() throws Exception {
        Path dataDir = ReferenceMedia.inDataDir(Files.createTempDirectory("goldsmith-lockdown-"));
        // What an older Goldsmith left: zonky's own initdb (trust), some data, no password file.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false).start();
                Connection trusted = old.getPostgresDatabase().getConnection()) {
            trusted.createStatement().execute("create schema old; create table old.kept (note text); "
                    + "insert into old.kept values ('from 0.1')");
        }
        assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf"))).contains("trust");

        try (var service = start(dataDir)) {
            String password = Files.readString(dataDir.resolve("keys/postgres-password")).strip();

            assertThat(service.getBean(JdbcClient.class).sql("select note from old.kept").query(String.class).single())
                    .isEqualTo("from 0.1");
            assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");
            assertThatThrownBy(() -> connect(port(service), null).close()).isInstanceOf(SQLException.class);
            try (Connection right = connect(port(service), password)) {
                assertThat(right.isValid(5)).isTrue();
            }
        }
        // And it starts again on the locked-down directory.
        try (var again = start(dataDir)) {
            assertThat(again.getBean(JdbcClient.class).sql("select count(*) from old.kept").query(Long.class).single())
                    .isEqualTo(1);
        }
    }
}
