package dev.goldsmith.database;

import java.util.Collection;
import java.util.UUID;
import java.util.stream.Collectors;

/** PostgreSQL's text form of a {@code uuid[]}, bound as one parameter and cast in the statement. */
public final class UuidArrays {

    private UuidArrays() {
    }

    public static String literal(Collection<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
    }
}
