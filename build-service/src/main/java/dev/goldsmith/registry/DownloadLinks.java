package dev.goldsmith.registry;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.keys.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger log = LoggerFactory.getLogger(DownloadLinks.class);
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    DownloadLinks(GoldsmithProperties properties) {
        Path configured = properties.registry().linkKeyFile();
        boolean generated = configured == null || configured.toString().isBlank();
        Path file = generated ? properties.dataDir().resolve(GENERATED_KEY) : configured;
        this.key = new SecretKeySpec(readOrGenerate(file, generated), ALGORITHM);
        log.info("Download link key {}", file);
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

    private static byte[] readOrGenerate(Path file, boolean mayGenerate) {
        try {
            String text = mayGenerate ? SecretFiles.readOrCreate(file, () -> SecretFiles.randomBase64(32) + "\n")
                    : Files.readString(file).strip();
            byte[] decoded = Base64.getDecoder().decode(text);
            if (decoded.length < 32) {
                throw new IllegalStateException("Download link key " + file + " must hold at least 32 bytes, base64;"
                        + " make one with: head -c 32 /dev/urandom | base64 > " + file);
            }
            return decoded;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the download link key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Download link key " + file + " is not base64", e);
        }
    }
}
