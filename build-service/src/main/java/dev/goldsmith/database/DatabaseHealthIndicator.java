package dev.goldsmith.database;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code db} in the health groups, in place of Spring Boot's: up while PostgreSQL answers within a couple of
 * seconds. Boot's own asks {@code Connection.isValid(0)}, which waits forever on a database that hangs, so
 * readiness would hang with it instead of answering DOWN.
 */
@Component("dbHealthContributor")
class DatabaseHealthIndicator implements HealthIndicator {

    private static final int TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;

    DatabaseHealthIndicator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Health health() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(TIMEOUT_SECONDS) ? Health.up().build()
                    : Health.down().withDetail("reason", "no answer within " + TIMEOUT_SECONDS + " s").build();
        } catch (SQLException | RuntimeException e) {
            return Health.down().build();
        }
    }
}
