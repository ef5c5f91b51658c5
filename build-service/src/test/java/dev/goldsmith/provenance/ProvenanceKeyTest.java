package dev.goldsmith.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldsmith.support.Openssl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provenance key: generated owner-only, or read from what openssl writes, and interoperable with openssl. */
class ProvenanceKeyTest {

    @TempDir
    Path dir;

    @Test
    void generatedKeyIsAnOwnerOnlyPemThatIsReadBackOnTheNextStart() throws Exception {
        Path file = dir.resolve("keys/provenance-ed25519.pem");

        ProvenanceKey first = ProvenanceKey.loadOrGenerate(file);
        ProvenanceKey second = ProvenanceKey.loadOrGenerate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(second.keyId()).isEqualTo(first.keyId());
        assertThat(second.publicKeyPem()).isEqualTo(first.publicKeyPem());
    }

    @Test
    void keyMadeByOpensslHasThePublicKeyOpensslDerives() throws Exception {
        assertThat(Openssl.run(dir, "genpkey", "-algorithm", "ed25519", "-out", "key.pem").exitStatus()).isZero();
        assertThat(Openssl.run(dir, "pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem").exitStatus()).isZero();

        ProvenanceKey key = ProvenanceKey.load(dir.resolve("key.pem"));

        assertThat(key.publicKeyPem()).isEqualTo(Files.readString(dir.resolve("pub.pem")));
        assertThat(Openssl.run(dir, "pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der")
                .exitStatus()).isZero();
        assertThat(key.keyId()).isEqualTo(dev.goldsmith.digests.Sha256.of(Files.readAllBytes(dir.resolve("pub.der"))));
    }

    @Test
    void signaturesVerifyWithOpenssl() throws Exception {
        ProvenanceKey key = ProvenanceKey.loadOrGenerate(dir.resolve("key.pem"));
        byte[] message = "DSSEv1 4 type 5 hello".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("message.bin"), message);
        Files.write(dir.resolve("sig.bin"), key.sign(message));
        Files.writeString(dir.resolve("pub.pem"), key.publicKeyPem());

        Openssl.Result verified = Openssl.run(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
                "-in", "message.bin", "-sigfile", "sig.bin");
        Files.write(dir.resolve("message.bin"), "DSSEv1 4 type 5 hellO".getBytes(StandardCharsets.UTF_8));
        Openssl.Result tampered = Openssl.run(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
                "-in", "message.bin", "-sigfile", "sig.bin");

        assertThat(verified.exitStatus()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("Signature Verified Successfully");
        assertThat(tampered.exitStatus()).as(tampered.output()).isNotZero();
    }

    @Test
    void fileThatIsNotAPrivateKeyPemIsRefusedWithTheOpensslCommandThatMakesOne() throws Exception {
        Path file = dir.resolve("key.pem");
        Files.writeString(file, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA not-a-pem\n");

        assertThatThrownBy(() -> ProvenanceKey.load(file))
                .hasMessageContaining("openssl genpkey -algorithm ed25519");
    }

    @Test
    void rsaKeyIsRefused() throws Exception {
        assertThat(Openssl.run(dir, "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out",
                "rsa.pem").exitStatus()).isZero();

        assertThatThrownBy(() -> ProvenanceKey.load(dir.resolve("rsa.pem"))).hasMessageContaining("not an Ed25519");
    }
}
