package dev.goldsmith.registry;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.keys.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Capabilities for downloading one image file without a bearer token: the base64url HMAC-SHA256 of the file's
 * name under the farm's link key. A link never expires, so a URL Terraform stores in its state (a libvirt volume's
 * {@code source}) stays the same from plan to plan; revoking the version makes it answer 410, and replacing the
 * key invalidates every link.
 */
@Component
public class DownloadLinks {

    static final String GENERATED_KEY = "keys/download-links.key";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    DownloadLinks(GoldsmithProperties properties) {
        this.key = new SecretKeySpec(SecretFiles.key(properties.registry().linkKeyFile(), properties.dataDir(),
                GENERATED_KEY, "Download link key"), ALGORITHM);
    }

    /** The capability for {@code fileName}, safe in a URL path segment. */
    public String capability(String fileName) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(fileName));
    }

    /** Whether {@code capability} was made by {@link #capability} for {@code fileName} (constant time). */
    public boolean grants(String capability, String fileName) {
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(capability);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(presented, mac(fileName));
    }

    private byte[] mac(String fileName) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(("goldsmith-download-v1:" + fileName).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
