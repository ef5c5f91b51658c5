package dev.goldsmith.worker.ssh;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * The per-build key pair: its public half goes into answers.env, TEST and SEAL log in with it, SEAL removes it.
 * ECDSA P-256, which the JDK, MINA sshd, OpenSSH and dropbear all support without extra providers.
 */
public record BuildKey(KeyPair pair, String publicKeyLine) {

    public static BuildKey generate(String comment) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            return new BuildKey(pair, openSsh(pair.getPublic()) + " " + comment);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 unavailable", e);
        }
    }

    static String openSsh(PublicKey key) {
        try {
            return PublicKeyEntry.toString(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot encode the build key", e);
        }
    }
}
