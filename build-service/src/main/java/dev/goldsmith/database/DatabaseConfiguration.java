package dev.goldsmith.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.goldsmith.GoldsmithProperties;
import java.io.IOException;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one DataSource: the external PostgreSQL of {@code goldsmith.db.url}, or else an embedded
 * PostgreSQL whose data lives in {@code <dataDir>/postgres} and so survives restarts.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    DataSource dataSource(GoldsmithProperties properties, EmbeddedDatabase embedded) {
        HikariConfig config = new HikariConfig();
        GoldsmithProperties.Db db = properties.db();
        if (db.external()) {
            config.setJdbcUrl(db.url());
            config.setUsername(db.user());
            config.setPassword(db.password());
        } else {
            config.setJdbcUrl(embedded.jdbcUrl());
            config.setUsername(EmbeddedPostgresServer.USER);
            config.setPassword(embedded.password());
        }
        config.setMaximumPoolSize(db.poolSize());
        config.setPoolName("goldsmith");
        // Fail requests fast while the database is down (they answer 503) instead of queueing them.
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(30_000);
        return new HikariDataSource(config);
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
