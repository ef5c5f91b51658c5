package dev.goldsmith.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Test data for image files: tiny ones that keep tests fast, or a given size of reproducible bytes. */
public final class ImageFiles {

    private ImageFiles() {
    }

    public static byte[] aTinyImage(String fileName) {
        return ("not really a disk image: " + fileName + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] anImageOfSize(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
