package dev.goldsmith.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.goldsmith.GoldsmithProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one DataSource: the external PostgreSQL of {@code goldsmith.db.url}, or else an embedded
 * PostgreSQL whose data lives in {@code <dataDir>/postgres} and so survives restarts.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

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
            config.setUsername("postgres");
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
        Path dir = properties.dataDir().resolve("postgres");
        try {
            Files.createDirectories(dir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    // zonky turns these off for test speed; builds, tokens and audit must survive a crash.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "200")
                    .start();
            log.info("Embedded PostgreSQL on port {} with data in {}", postgres.getPort(), dir);
            return new EmbeddedDatabase(postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dir, e);
        }
    }

    /** Holder so the embedded server's life follows the context's; empty when the database is external. */
    public static final class EmbeddedDatabase implements AutoCloseable {
        private final EmbeddedPostgres postgres;

        EmbeddedDatabase(EmbeddedPostgres postgres) {
            this.postgres = postgres;
        }

        static EmbeddedDatabase none() {
            return new EmbeddedDatabase(null);
        }

        public String jdbcUrl() {
            return postgres.getJdbcUrl("postgres", "postgres");
        }

        @Override
        public void close() throws IOException {
            if (postgres != null) {
                postgres.close();
            }
        }
    }
}
