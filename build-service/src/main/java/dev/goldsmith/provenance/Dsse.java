package dev.goldsmith.provenance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Dead Simple Signing Envelope: what is signed is the pre-authentication encoding, never the bare payload. */
public final class Dsse {

    /** The payload type of an in-toto Statement. */
    public static final String IN_TOTO = "application/vnd.in-toto+json";

    private Dsse() {
    }

    /**
     * {@code PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, lengths in bytes as ASCII
     * decimal: binding the type into the signature keeps a payload from being read as another kind of document.
     */
    public static byte[] pae(String payloadType, byte[] body) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + type.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + body.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }
}
