package dev.goldsmith.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.goldsmith.GoldsmithProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The DataSource: the external PostgreSQL of {@code goldsmith.db.url}, or else an embedded PostgreSQL whose data
 * lives in {@code <dataDir>/postgres} and so survives restarts. Every connection has deadlines (connect, socket,
 * PostgreSQL's {@code statement_timeout}), so a database that hangs turns into 503s within seconds instead of
 * request threads waiting forever. Flyway has connections of its own, with the migration deadline.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    @Primary
    DataSource dataSource(GoldsmithProperties properties, EmbeddedDatabase embedded) {
        GoldsmithProperties.Db db = properties.db();
        HikariConfig config = new HikariConfig();
        Target target = Target.of(db, embedded);
        config.setJdbcUrl(target.url());
        config.setUsername(target.user());
        config.setPassword(target.password());
        connectionDeadlines(db, db.socketTimeout(), db.statementTimeout()).forEach(config::addDataSourceProperty);
        config.setMaximumPoolSize(db.poolSize());
        config.setPoolName("goldsmith");
        // Fail requests fast while the database is down or hangs (they answer 503) instead of queueing them.
        config.setConnectionTimeout(db.poolTimeout().toMillis());
        config.setValidationTimeout(Math.min(db.poolTimeout().toMillis(), 2_000));
        // Idle connections are pinged, so one that a failover or a partition killed is found before it is lent.
        config.setKeepaliveTime(30_000);
        config.setInitializationFailTimeout(30_000);
        return new HikariDataSource(config);
    }

    /** Flyway's own connections: no pool, and the deadline of a migration rather than of a request. */
    @Bean
    @FlywayDataSource
    DataSource migrationDataSource(GoldsmithProperties properties, EmbeddedDatabase embedded) {
        GoldsmithProperties.Db db = properties.db();
        Target target = Target.of(db, embedded);
        Properties deadlines = new Properties();
        connectionDeadlines(db, db.migrationTimeout().plusSeconds(30), db.migrationTimeout())
                .forEach(deadlines::setProperty);
        SimpleDriverDataSource migrations = new SimpleDriverDataSource(new org.postgresql.Driver(), target.url(),
                target.user(), target.password());
        migrations.setConnectionProperties(deadlines);
        return migrations;
    }

    /**
     * pgjdbc's deadlines as connection properties: connect, socket (any answer from the server), TCP keepalive,
     * and the statement timeout PostgreSQL enforces itself (sent with the connection's start-up, no round trip).
     */
    static Map<String, String> connectionDeadlines(GoldsmithProperties.Db db, Duration socket, Duration statement) {
        return Map.of(
                "connectTimeout", Long.toString(Math.max(1, db.connectTimeout().toSeconds())),
                "socketTimeout", Long.toString(Math.max(1, socket.toSeconds())),
                "tcpKeepAlive", "true",
                "options", "-c statement_timeout=" + statement.toMillis());
    }

    /** Where the connections go. */
    private record Target(String url, String user, String password) {

        static Target of(GoldsmithProperties.Db db, EmbeddedDatabase embedded) {
            return db.external() ? new Target(db.url(), db.user(), db.password())
                    : new Target(embedded.jdbcUrl(), EmbeddedPostgresServer.USER, embedded.password());
        }
    }

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(GoldsmithProperties properties) {
        if (properties.db().external()) {
            return EmbeddedDatabase.none();
        }
        return new EmbeddedDatabase(EmbeddedPostgresServer.start(properties.dataDir()));
    }

    /** Holder so the embedded server's life follows the context's; empty when the database is external. */
    public static final class EmbeddedDatabase implements AutoCloseable {
        private final EmbeddedPostgresServer server;

        EmbeddedDatabase(EmbeddedPostgresServer server) {
            this.server = server;
        }

        static EmbeddedDatabase none() {
            return new EmbeddedDatabase(null);
        }

        public String jdbcUrl() {
            return server.jdbcUrl();
        }

        String password() {
            return server.password();
        }

        public int port() {
            return server.port();
        }

        @Override
        public void close() throws IOException {
            if (server != null) {
                server.close();
            }
        }
    }
}
