package dev.goldsmith.provenance;

import dev.goldsmith.digests.Sha256;
import dev.goldsmith.keys.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The control plane's Ed25519 provenance key (JDK crypto only). It is read from a PKCS#8 PEM file, the format
 * {@code openssl genpkey -algorithm ed25519} writes, or generated into one readable by its owner alone.
 * {@link #keyId()} is the hex SHA-256 of the public key's SubjectPublicKeyInfo DER.
 */
public final class ProvenanceKey {

    private static final String PRIVATE_PEM = "PRIVATE KEY";
    private static final String PUBLIC_PEM = "PUBLIC KEY";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private ProvenanceKey(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic();
        this.keyId = Sha256.of(publicKey.getEncoded());
    }

    /** Reads the key in {@code file}, or generates one there (mode 0600) when there is none yet. */
    public static ProvenanceKey loadOrGenerate(Path file) {
        if (Files.exists(file)) {
            return load(file);
        }
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            // Another process sharing the directory may write its key first: then that one is used.
            return SecretFiles.createOnce(file, pem(PRIVATE_PEM, pair.getPrivate().getEncoded()))
                    ? new ProvenanceKey(pair) : load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the provenance key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate Ed25519 keys", e);
        }
    }

    /** Reads an Ed25519 private key from a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}). */
    public static ProvenanceKey load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the provenance key " + file, e);
        }
        int begin = text.indexOf("-----BEGIN " + PRIVATE_PEM + "-----");
        int end = text.indexOf("-----END " + PRIVATE_PEM + "-----");
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("provenance key " + file + " is not a PKCS#8 PEM private key "
                    + "(-----BEGIN PRIVATE KEY-----); make one with: openssl genpkey -algorithm ed25519");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + PRIVATE_PEM.length() + 16, end));
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            return new ProvenanceKey(withPublicKey((EdECPrivateKey) key));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("provenance key " + file + " is not an Ed25519 private key", e);
        }
    }

    /**
     * The JDK has no call that derives an EdDSA public key from a private one, but its key pair generator takes
     * the private key's 32 bytes from the random source it is given: handing it exactly those bytes yields the
     * pair. A signature round trip checks the result.
     */
    private static KeyPair withPublicKey(EdECPrivateKey key) throws GeneralSecurityException {
        byte[] seed = key.getBytes().orElseThrow(() -> new GeneralSecurityException("key bytes unavailable"));
        SecureRandom replay = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
            }
        };
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, replay);
        KeyPair pair = generator.generateKeyPair();
        byte[] probe = "goldsmith provenance key check".getBytes(StandardCharsets.US_ASCII);
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(pair.getPublic());
        verifier.update(probe);
        if (!Arrays.equals(pair.getPrivate().getEncoded(), key.getEncoded()) || !verifier.verify(sign(key, probe))) {
            throw new GeneralSecurityException("could not derive the public key of the provenance key");
        }
        return pair;
    }

    public String keyId() {
        return keyId;
    }

    /** The public key as PEM (SubjectPublicKeyInfo), what {@code openssl pkeyutl -verify -pubin} reads. */
    public String publicKeyPem() {
        return pem(PUBLIC_PEM, publicKey.getEncoded());
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public byte[] sign(byte[] message) {
        try {
            return sign(privateKey, message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    private static byte[] sign(PrivateKey key, byte[] message) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(message);
        return signer.sign();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

}
