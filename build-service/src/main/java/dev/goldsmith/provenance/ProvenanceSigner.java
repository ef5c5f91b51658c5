package dev.goldsmith.provenance;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.DsseEnvelope;
import dev.goldsmith.api.DsseSignature;
import dev.goldsmith.builds.BuildSucceeded;
import dev.goldsmith.provenance.persistence.ProvenanceKeys;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signs the SLSA provenance of succeeded builds as DSSE envelopes. Only the control plane holds the key; every
 * public key it signed with is kept, so envelopes stay verifiable after the key changes.
 */
@Service
public class ProvenanceSigner {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ProvenanceKey key;
    private final ProvenanceKeys keys;
    private final ProvenanceStatements statements;

    ProvenanceSigner(ProvenanceKey key, ProvenanceKeys keys, GoldsmithProperties properties) {
        this.key = key;
        this.keys = keys;
        this.statements = new ProvenanceStatements(properties.provenance().farmId(), properties.publicUrl());
    }

    public SignedProvenance sign(BuildSucceeded build, List<Subject> subjects) {
        byte[] payload = JSON.writeValueAsBytes(statements.of(build, subjects));
        byte[] signature = key.sign(Dsse.pae(Dsse.IN_TOTO, payload));
        Base64.Encoder base64 = Base64.getEncoder();
        DsseEnvelope envelope = new DsseEnvelope(Dsse.IN_TOTO, base64.encodeToString(payload),
                List.of(new DsseSignature(key.keyId(), base64.encodeToString(signature))));
        keys.remember(key.keyId(), key.publicKeyPem());
        return new SignedProvenance(JSON.writeValueAsString(envelope), key.keyId());
    }

    /** The PEM public key this replica signs with. */
    public String publicKeyPem() {
        return key.publicKeyPem();
    }

    /** The PEM public key of an envelope's {@code keyid}, if the farm ever signed with it. */
    public Optional<String> publicKeyPem(String keyId) {
        return keyId.equals(key.keyId()) ? Optional.of(key.publicKeyPem()) : keys.find(keyId);
    }
}
