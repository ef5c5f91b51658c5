package dev.goldsmith.database;

import dev.goldsmith.keys.SecretFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL (zonky's real binaries) with its data in {@code <dataDir>/postgres}, locked down: it
 * listens on 127.0.0.1 only, has no UNIX socket, and every connection needs the superuser's password
 * (scram-sha-256), generated once into {@code <dataDir>/keys/postgres-password} (mode 0600). zonky's
 * {@code initdb} writes {@code trust} for local and loopback connections; a new data directory is created with
 * password authentication from the start, and one made by an older Goldsmith (still trusting) is given the
 * password and a scram-only {@code pg_hba.conf} before the service uses it.
 */
final class EmbeddedPostgresServer {

    static final String USER = "postgres";
    static final String PASSWORD_FILE = "keys/postgres-password";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    /** Every line a locked-down server needs: the service connects over loopback TCP with its password. */
    static final List<String> HBA = List.of(
            "# Written by Goldsmith: every connection needs the password in " + PASSWORD_FILE + ".",
            "local   all   all                  scram-sha-256",
            "host    all   all   127.0.0.1/32   scram-sha-256",
            "host    all   all   ::1/128        scram-sha-256");

    private final EmbeddedPostgres postgres;
    private final String password;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password) {
        this.postgres = postgres;
        this.password = password;
    }

    static EmbeddedPostgresServer start(Path dataDir) {
        Path dir = dataDir.resolve("postgres");
        Path passwordFile = dataDir.resolve(PASSWORD_FILE);
        try {
            Files.createDirectories(dir);
            boolean fresh = !Files.exists(dir.resolve("postgresql.conf"));
            String password = SecretFiles.readOrCreate(passwordFile, () -> SecretFiles.randomToken(32) + "\n");
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    // zonky turns these off for test speed; builds, tokens and audit must survive a crash.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // zonky checks that the server is up with these connection properties.
                    .setConnectConfig("password", password);
            if (fresh) {
                // zonky runs initdb with '-A trust' and passes nothing else through but its "locale" options,
                // which it writes as --key=value after its own: a later --auth wins, and --pwfile sets the
                // superuser's password, so the new cluster never trusts anyone.
                builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", passwordFile.toString());
            }
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(builder.start(), password);
            server.requirePasswords(dir);
            log.info("Embedded PostgreSQL on 127.0.0.1:{} with data in {} (password authentication)",
                    server.port(), dir);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dir, e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock down embedded PostgreSQL in " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Leaves {@code pg_hba.conf} holding {@link #HBA} alone. A data directory that trusted connections (made by
     * an older version) is still reachable without a password now: the superuser is given the password (sent as
     * a SCRAM verifier, so the password itself never travels in SQL), then the file is replaced and reloaded.
     */
    private void requirePasswords(Path dir) throws IOException, SQLException {
        Path hba = dir.resolve("pg_hba.conf");
        List<String> lines = Files.readAllLines(hba);
        if (lines.equals(HBA)) {
            return;
        }
        boolean trusted = lines.stream().map(String::strip)
                .anyMatch(line -> !line.startsWith("#") && line.matches(".*\\btrust\\b.*"));
        try (Connection connection = connect()) {
            connection.unwrap(PGConnection.class).alterUserPassword(USER, password.toCharArray(), "scram-sha-256");
            Path written = Files.createTempFile(dir, ".pg_hba", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(written, HBA);
            Files.move(written, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (Statement statement = connection.createStatement()) {
                statement.execute("select pg_reload_conf()");
            }
        }
        if (trusted) {
            log.warn("Embedded PostgreSQL in {} trusted local connections (made by an older version); it now needs "
                    + "the password in {}", dir, PASSWORD_FILE);
        } else {
            log.info("Embedded PostgreSQL in {}: pg_hba.conf is now the farm's (127.0.0.1, scram-sha-256 only)", dir);
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(), properties);
    }

    int port() {
        return postgres.getPort();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
    }

    String password() {
        return password;
    }

    void close() throws IOException {
        postgres.close();
    }
}
