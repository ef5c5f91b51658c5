package dev.goldsmith.registry;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.keys.SecretFiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The secret answers a channel policy keeps for its rebuilds, encrypted at rest with AES-256-GCM under the farm's
 * policy key ({@code goldsmith.registry.policy-key-file}, else {@code <dataDir>/keys/policy-secrets.key},
 * generated at first start; replicas must share it). The channel is the associated data: a ciphertext copied
 * onto another channel's row does not decrypt. Stored as a version byte, the 12-byte nonce, then the ciphertext.
 */
@Component
class PolicySecrets {

    static final String GENERATED_KEY = "keys/policy-secrets.key";
    private static final byte VERSION = 1;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<TreeMap<String, String>> ANSWERS = new TypeReference<>() {
    };

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    @Autowired
    PolicySecrets(GoldsmithProperties properties) {
        this(SecretFiles.key(properties.registry().policyKeyFile(), properties.dataDir(), GENERATED_KEY,
                "The channel policy key"));
    }

    PolicySecrets(byte[] key) {
        this.key = new SecretKeySpec(Arrays.copyOf(key, 32), "AES");
    }

    byte[] seal(ChannelKey channel, Map<String, String> secrets) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        byte[] sealed = cipher(Cipher.ENCRYPT_MODE, channel, nonce)
                .apply(JSON.writeValueAsBytes(new TreeMap<>(secrets)));
        return ByteBuffer.allocate(1 + NONCE + sealed.length).put(VERSION).put(nonce).put(sealed).array();
    }

    Map<String, String> open(ChannelKey channel, byte[] stored) {
        if (stored == null) {
            return Map.of();
        }
        if (stored.length <= 1 + NONCE || stored[0] != VERSION) {
            throw new IllegalStateException("the secrets of channel policy " + channel + " are not sealed by this farm");
        }
        byte[] nonce = Arrays.copyOfRange(stored, 1, 1 + NONCE);
        byte[] plain = cipher(Cipher.DECRYPT_MODE, channel, nonce).apply(Arrays.copyOfRange(stored, 1 + NONCE,
                stored.length));
        return JSON.readValue(plain, ANSWERS);
    }

    private interface Transform {
        byte[] apply(byte[] input);
    }

    private Transform cipher(int mode, ChannelKey channel, byte[] nonce) {
        return input -> {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
                cipher.updateAAD(("goldsmith-policy-v1:" + channel).getBytes(StandardCharsets.UTF_8));
                return cipher.doFinal(input);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the secrets of channel policy " + channel + " cannot be "
                        + (mode == Cipher.ENCRYPT_MODE ? "sealed" : "opened (another farm's key?)"), e);
            }
        };
    }
}
