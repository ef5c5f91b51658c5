package dev.goldsmith.security;

import java.util.Locale;

/** What a token may do. Spring Security sees each as authority {@code ROLE_<NAME>}. */
public enum Role {
    READER, BUILDER, PROMOTER, ADMIN, WORKER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String name) {
        return Role.valueOf(name.toUpperCase(Locale.ROOT));
    }
}
