package dev.goldsmith.builds;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.digests.Sha256;
import dev.goldsmith.keys.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The input fingerprint: SHA-256 over the canonical JSON of everything that defines the image (scheduling and
 * bookkeeping fields excluded). The installer counts by its medium's digest, not by the name it was asked for.
 * Secret answers count too, since they are baked into the image (a password, a pool passphrase), but only as an
 * HMAC under the farm's fingerprint key: the same secret gives the same fingerprint, another secret another
 * one, and neither the secret nor anything that could be checked against a guess without the key is stored.
 * Same inputs, same fingerprint: f(inputs) = image.
 */
@Component
public class Fingerprints {

    static final String GENERATED_KEY = "keys/fingerprint-hmac.key";
    private static final JsonMapper CANONICAL = JsonMapper.builder().build();
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;

    @Autowired
    Fingerprints(GoldsmithProperties properties) {
        this(SecretFiles.key(properties.builds().fingerprintKeyFile(), properties.dataDir(), GENERATED_KEY,
                "The fingerprint key"));
    }

    Fingerprints(byte[] key) {
        if (key.length < 32) {
            throw new IllegalStateException("the fingerprint key must hold at least 32 bytes");
        }
        this.key = new SecretKeySpec(key, HMAC);
    }

    public String of(ValidatedRequest request) {
        Map<String, Object> inputs = new TreeMap<>();
        inputs.put("version", 3);
        inputs.put("distro", request.distro());
        inputs.put("profile", request.profile());
        inputs.put("installer", "sha256:" + request.installerSha256());
        inputs.put("answers", new TreeMap<>(request.answers()));
        inputs.put("secrets", secretDigests(request));
        inputs.put("formats", request.formats());
        inputs.put("source", new TreeMap<>(Map.of("repository", request.sourceRepository(),
                "commit", request.sourceCommit())));
        inputs.put("tests", request.tests());
        inputs.put("arch", request.arch());
        return Sha256.of(CANONICAL.writeValueAsString(inputs));
    }

    /**
     * What an {@code Idempotency-Key} replay is compared on: the whole request. Secret values count through the
     * fingerprint's HMACs, so a replay with another password is another request (409), not the same build.
     */
    public String ofRequest(ValidatedRequest request) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("inputs", of(request));
        all.put("installer", request.installer());
        all.put("channel", request.channel());
        all.put("priority", request.priority());
        all.put("labels", new TreeMap<>(request.labels()));
        all.put("timeout", request.timeout().toString());
        all.put("accel", request.accel());
        all.put("workerLabels", request.workerLabels());
        all.put("force", request.force());
        return Sha256.of(CANONICAL.writeValueAsString(all));
    }

    /**
     * Each secret answer's HMAC under the farm's key, by name: stored with the build, so a diff can tell a
     * changed password from an unchanged one without the farm ever keeping either.
     */
    public Map<String, String> secretDigests(ValidatedRequest request) {
        Map<String, String> digests = new TreeMap<>();
        request.secrets().forEach((name, value) -> digests.put(name, secretDigest(name, value)));
        return digests;
    }

    private String secretDigest(String name, String value) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(("goldsmith-secret-answer-v1\0" + name + "\0" + value)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

}
