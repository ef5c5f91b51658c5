package dev.goldsmith.provenance.web;

import dev.goldsmith.problems.ApiException;
import dev.goldsmith.provenance.ProvenanceSigner;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The public key provenance verifies with; open to anyone, like the envelope's signature is. */
@RestController
class PublicKeyController {

    private static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{64}");

    private final ProvenanceSigner signer;

    PublicKeyController(ProvenanceSigner signer) {
        this.signer = signer;
    }

    @GetMapping("/api/v1/provenance/public-key")
    ResponseEntity<String> publicKey(@RequestParam(required = false) String keyid) {
        String pem;
        if (keyid == null) {
            pem = signer.publicKeyPem();
        } else {
            if (!KEY_ID.matcher(keyid).matches()) {
                throw ApiException.invalid("keyid", "must be 64 lowercase hex digits");
            }
            pem = signer.publicKeyPem(keyid)
                    .orElseThrow(() -> ApiException.notFound("No provenance key " + keyid + " is known."));
        }
        return ResponseEntity.ok().contentType(PEM).body(pem);
    }
}
