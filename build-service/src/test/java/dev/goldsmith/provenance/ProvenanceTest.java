package dev.goldsmith.provenance;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.DsseEnvelope;
import dev.goldsmith.api.ImageView;
import dev.goldsmith.artifacts.ImageObjects;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Downloads;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.Openssl;
import dev.goldsmith.support.ServiceTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A succeeded build's signed provenance, checked the way an outsider would: the served public key, the JDK's
 * Ed25519 and the openssl command line over a PAE built here, not by the service.
 */
class ProvenanceTest extends ServiceTest {

    private static final String SECRET = "s3cret-Pa55word";

    @TempDir
    Path dir;

    @Autowired
    GoldsmithProperties properties;

    @Autowired
    ImageObjects objects;

    @Test
    void envelopeVerifiesWithTheServedPublicKeyUsingTheJdk() throws Exception {
        Api team = builder("provenance");
        String image = anImage(team, aBuildRequest().build());
        DsseEnvelope envelope = team.get("/api/v1/images/" + image + "/provenance").as(DsseEnvelope.class);
        String pem = anonymous().get("/api/v1/provenance/public-key").body();
        byte[] spki = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        byte[] payload = Base64.getDecoder().decode(envelope.payload());
        byte[] sig = Base64.getDecoder().decode(envelope.signatures().getFirst().sig());
        byte[] tampered = payload.clone();
        tampered[tampered.length - 2] ^= 1;

        assertThat(envelope.payloadType()).isEqualTo("application/vnd.in-toto+json");
        assertThat(envelope.signatures()).hasSize(1);
        assertThat(envelope.signatures().getFirst().keyid()).isEqualTo(sha256(spki));
        assertThat(verifies(key, pae(envelope.payloadType(), payload), sig)).isTrue();
        assertThat(verifies(key, pae(envelope.payloadType(), tampered), sig)).isFalse();
        assertThat(verifies(key, payload, sig)).as("the signature covers the PAE, not the bare payload").isFalse();
    }

    @Test
    void envelopeVerifiesWithTheOpensslCommandLine() throws Exception {
        Api team = builder("provenance");
        String image = anImage(team, aBuildRequest().withFormats("qcow2", "raw").build());
        DsseEnvelope envelope = team.get("/api/v1/images/" + image + "/provenance").as(DsseEnvelope.class);
        Files.writeString(dir.resolve("goldsmith-provenance.pem"),
                anonymous().get("/api/v1/provenance/public-key").body());
        byte[] payload = Base64.getDecoder().decode(envelope.payload());
        Files.write(dir.resolve("pae.bin"), pae(envelope.payloadType(), payload));
        Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(envelope.signatures().getFirst().sig()));

        Openssl.Result verified = Openssl.run(dir, "pkeyutl", "-verify", "-pubin", "-inkey",
                "goldsmith-provenance.pem", "-rawin", "-in", "pae.bin", "-sigfile", "sig.bin");
        Files.write(dir.resolve("pae.bin"), pae(envelope.payloadType(),
                new String(payload, StandardCharsets.UTF_8).replace("qcow2", "qcowX").getBytes(StandardCharsets.UTF_8)));
        Openssl.Result forged = Openssl.run(dir, "pkeyutl", "-verify", "-pubin", "-inkey",
                "goldsmith-provenance.pem", "-rawin", "-in", "pae.bin", "-sigfile", "sig.bin");

        assertThat(verified.exitStatus()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("Signature Verified Successfully");
        assertThat(forged.exitStatus()).as(forged.output()).isNotZero();
    }

    @Test
    void statementNamesEveryFileWithItsStoredDigestAndWhatItWasBuiltFrom() {
        Api team = builder("provenance");
        String image = anImage(team, aBuildRequest().withFormats("qcow2", "vmdk", "ova")
                .withAnswer("KLDLOAD_TIMEZONE", "UTC").build());
        ImageView view = team.get("/api/v1/images/" + image).as(ImageView.class);
        JsonNode statement = statement(team, image);
        Map<String, String> stored = new TreeMap<>();
        jdbc.sql("select file_name, sha256 from build_artifacts where build_id = ?").param(view.buildId())
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list()
                .forEach(row -> stored.put(row.getKey(), row.getValue()));
        Map<String, String> subjects = new TreeMap<>();
        statement.get("subject").forEach(s -> subjects.put(s.get("name").asString(),
                s.get("digest").get("sha256").asString()));
        JsonNode definition = statement.get("predicate").get("buildDefinition");
        JsonNode external = definition.get("externalParameters");
        JsonNode run = statement.get("predicate").get("runDetails");
        List<String> dependencies = new ArrayList<>();
        definition.get("resolvedDependencies").forEach(d -> dependencies.add(d.get("uri").asString()));
        List<String> byproducts = new ArrayList<>();
        run.get("byproducts").forEach(b -> byproducts.add(b.get("name").asString()));

        assertThat(statement.get("_type").asString()).isEqualTo("https://in-toto.io/Statement/v1");
        assertThat(statement.get("predicateType").asString()).isEqualTo("https://slsa.dev/provenance/v1");
        assertThat(subjects).hasSize(3).isEqualTo(stored);
        assertThat(definition.get("buildType").asString())
                .isEqualTo("https://goldsmith.dev/buildtypes/kldload-image/v1");
        assertThat(external.get("distro").asString()).isEqualTo("debian");
        assertThat(external.get("profile").asString()).isEqualTo("server");
        assertThat(external.get("installer").asString()).isEqualTo("reference-tiny");
        assertThat(external.get("answers").get("KLDLOAD_TIMEZONE").asString()).isEqualTo("UTC");
        assertThat(external.get("source").get("commit").asString()).isEqualTo(view.source().commit());
        assertThat(definition.get("internalParameters").get("fingerprint").asString()).isEqualTo(view.fingerprint());
        assertThat(dependencies).contains("git+" + view.source().repository() + "@" + view.source().commit());
        assertThat(run.get("metadata").get("invocationId").asString()).isEqualTo(view.buildId().toString());
        assertThat(run.get("metadata").get("startedOn").asString()).isNotBlank();
        assertThat(run.get("metadata").get("finishedOn").asString()).isNotBlank();
        assertThat(run.get("builder").get("id").asString()).startsWith("https://goldsmith.dev/farm/workers/worker-");
        assertThat(byproducts).containsExactly("build-log", "test-report", "sbom");
        assertThat(run.get("byproducts").get(1).get("annotations").get("passed").asInt()).isEqualTo(1);
    }

    @Test
    void byproductDigestsAreThoseOfTheLogAndTestReportTheApiServes() {
        Api team = builder("provenance");
        String image = anImage(team, aBuildRequest().build());
        UUID build = team.get("/api/v1/images/" + image).as(ImageView.class).buildId();
        JsonNode byproducts = statement(team, image).get("predicate").get("runDetails").get("byproducts");

        String log = team.get("/api/v1/builds/" + build + "/logs").body();
        String junit = team.getWithHeader("/api/v1/builds/" + build + "/tests", "Accept", "application/xml").body();

        assertThat(byproducts.get(0).get("digest").get("sha256").asString())
                .isEqualTo(ImageFiles.sha256(log.getBytes(StandardCharsets.UTF_8)));
        assertThat(byproducts.get(1).get("digest").get("sha256").asString())
                .isEqualTo(ImageFiles.sha256(junit.getBytes(StandardCharsets.UTF_8)));
        assertThat(byproducts.get(1).get("mediaType").asString()).isEqualTo("application/xml");
        assertThat(jdbc.sql("select log_sha256 from build_archives where build_id = ?").param(build)
                .query(String.class).single()).isEqualTo(byproducts.get(0).get("digest").get("sha256").asString());
    }

    @Test
    void noSecretReachesTheProvenanceInTheApiTheStoreOrTheDatabase() {
        Api team = builder("provenance");
        String image = anImage(team, aBuildRequest().withAnswer("KLDLOAD_PASSWORD", SECRET).build());
        String served = team.get("/api/v1/images/" + image + "/provenance").body();
        String payload = statement(team, image).toString();
        String inStore = new String(Downloads.get(objects.downloadUrl(
                "images/" + image + "/" + image + ".provenance.json")).body(), StandardCharsets.UTF_8);
        String inDatabase = jdbc.sql("select provenance from images where name = ?").param(image)
                .query(String.class).single();

        assertThat(inStore).isEqualTo(served);
        assertThat(inDatabase).isEqualTo(served);
        assertThat(payload).contains("KLDLOAD_HOSTNAME").doesNotContain(SECRET).doesNotContain("KLDLOAD_PASSWORD");
        assertThat(served).doesNotContain(SECRET);
    }

    @Test
    void generatedKeyLivesOwnerOnlyInTheDataDirectoryAndIsTheServedOne() throws Exception {
        Path file = properties.dataDir().resolve("keys/provenance-ed25519.pem");
        Path copy = dir.resolve("key.pem");
        Files.copy(file, copy);

        Openssl.Result derived = Openssl.run(dir, "pkey", "-in", "key.pem", "-pubout");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(derived.exitStatus()).as(derived.output()).isZero();
        assertThat(derived.output()).isEqualTo(anonymous().get("/api/v1/provenance/public-key").body());
    }

    @Test
    void publicKeyIsServedByTheKeyidOfAnEnvelope() {
        Api team = builder("provenance");
        String image = anImage(team, aBuildRequest().build());
        String keyid = team.get("/api/v1/images/" + image + "/provenance").as(DsseEnvelope.class)
                .signatures().getFirst().keyid();

        Api.Response byKeyid = anonymous().get("/api/v1/provenance/public-key?keyid=" + keyid);
        Api.Response unknown = anonymous().get("/api/v1/provenance/public-key?keyid=" + "0".repeat(64));

        assertThat(byKeyid.status()).isEqualTo(200);
        assertThat(byKeyid.contentType()).startsWith("application/x-pem-file");
        assertThat(byKeyid.body()).isEqualTo(anonymous().get("/api/v1/provenance/public-key").body());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.isProblem()).isTrue();
    }

    private static JsonNode statement(Api api, String image) {
        DsseEnvelope envelope = api.get("/api/v1/images/" + image + "/provenance").as(DsseEnvelope.class);
        return Api.JSON.readTree(Base64.getDecoder().decode(envelope.payload()));
    }

    /** DSSE's pre-authentication encoding, written from the specification rather than taken from the service. */
    private static byte[] pae(String type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] typeBytes = type.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(("DSSEv1 " + typeBytes.length + " " + type + " " + body.length + " ")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static boolean verifies(PublicKey key, byte[] message, byte[] sig) throws Exception {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(sig);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
