package dev.goldsmith.provenance.persistence;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Every public key provenance was signed with ({@code provenance_keys}), by keyid. */
@Repository
public class ProvenanceKeys {

    private final JdbcClient jdbc;

    public ProvenanceKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void remember(String keyId, String publicKeyPem) {
        jdbc.sql("insert into provenance_keys (keyid, public_key) values (?, ?) on conflict (keyid) do nothing")
                .params(keyId, publicKeyPem)
                .update();
    }

    public Optional<String> find(String keyId) {
        return jdbc.sql("select public_key from provenance_keys where keyid = ?").param(keyId)
                .query(String.class).optional();
    }
}
