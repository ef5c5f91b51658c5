package dev.goldsmith.builds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The input fingerprint: SHA-256 over the canonical JSON of everything that defines the image (secrets,
 * scheduling and bookkeeping fields excluded). The installer counts by its medium's digest, not by the name it
 * was asked for. Same inputs, same fingerprint: f(inputs) = image.
 */
public final class Fingerprints {

    private static final JsonMapper CANONICAL = JsonMapper.builder().build();

    private Fingerprints() {
    }

    public static String of(ValidatedRequest request) {
        Map<String, Object> inputs = new TreeMap<>();
        inputs.put("version", 2);
        inputs.put("distro", request.distro());
        inputs.put("profile", request.profile());
        inputs.put("installer", "sha256:" + request.installerSha256());
        inputs.put("answers", new TreeMap<>(request.answers()));
        inputs.put("formats", request.formats());
        inputs.put("source", new TreeMap<>(Map.of("repository", request.sourceRepository(),
                "commit", request.sourceCommit())));
        inputs.put("tests", request.tests());
        inputs.put("arch", request.arch());
        return sha256(CANONICAL.writeValueAsString(inputs));
    }

    /**
     * What an {@code Idempotency-Key} replay is compared on: the whole request but the secret values (which the
     * farm does not keep), so only their names count.
     */
    public static String ofRequest(ValidatedRequest request) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("inputs", of(request));
        all.put("installer", request.installer());
        all.put("secretKeys", request.secrets().keySet());
        all.put("channel", request.channel());
        all.put("priority", request.priority());
        all.put("labels", new TreeMap<>(request.labels()));
        all.put("timeout", request.timeout().toString());
        all.put("accel", request.accel());
        all.put("workerLabels", request.workerLabels());
        all.put("force", request.force());
        return sha256(CANONICAL.writeValueAsString(all));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
