package dev.goldsmith.security;

import dev.goldsmith.GoldsmithProperties;
import java.util.Set;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes sure an admin can get in: stores {@code GOLDSMITH_ADMIN_TOKEN} if given, else issues one admin token
 * the first time the farm starts and prints it once to standard output (never to the log).
 */
@Component
class AdminTokenBootstrap implements ApplicationRunner {

    private final GoldsmithProperties properties;
    private final TokenService tokens;
    private final TransactionTemplate transactions;
    private final JdbcClient jdbc;

    AdminTokenBootstrap(GoldsmithProperties properties, TokenService tokens, TransactionTemplate transactions,
            JdbcClient jdbc) {
        this.properties = properties;
        this.tokens = tokens;
        this.transactions = transactions;
        this.jdbc = jdbc;
    }

    @Override
    public void run(ApplicationArguments args) {
        transactions.executeWithoutResult(status -> {
            // Replicas starting together must not each issue a bootstrap token.
            jdbc.sql("select 1 from pg_advisory_xact_lock(7201)").query(Integer.class).single();
            String preset = properties.adminToken();
            if (preset != null && !preset.isBlank()) {
                tokens.ensure(preset, Caller.FARM_TEAM, Set.of(Role.ADMIN), "bootstrap admin (GOLDSMITH_ADMIN_TOKEN)");
            } else if (!tokens.anyActiveAdmin()) {
                String token = tokens.issue(Caller.FARM_TEAM, Set.of(Role.ADMIN), "bootstrap admin").token();
                System.out.println();
                System.out.println("Goldsmith bootstrap admin token (shown once, store it now): " + token);
                System.out.println();
            }
        });
    }
}
