package dev.goldsmith.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * The S3 API over a folder: S3Proxy on jclouds' {@code filesystem} blob store, with AWS v4 authentication.
 * Empty when an external endpoint is configured; its life follows the application context's.
 */
final class EmbeddedObjectStore implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final BlobStoreContext blobs;
    private final S3Proxy proxy;
    private final String address;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedObjectStore(BlobStoreContext blobs, S3Proxy proxy, String address, String accessKey,
            String secretKey) {
        this.blobs = blobs;
        this.proxy = proxy;
        this.address = address;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    static EmbeddedObjectStore none() {
        return new EmbeddedObjectStore(null, null, null, null, null);
    }

    /** Starts S3Proxy on {@code address:port} (0 = a free port) over {@code dir}; blank keys are made up. */
    static EmbeddedObjectStore start(Path dir, String address, int port, String accessKey, String secretKey) {
        String access = blank(accessKey) ? randomKey(20) : accessKey;
        String secret = blank(secretKey) ? randomKey(40) : secretKey;
        BlobStoreContext blobs = null;
        try {
            Files.createDirectories(dir);
            Properties overrides = new Properties();
            overrides.setProperty("jclouds.filesystem.basedir", dir.toString());
            blobs = ContextBuilder.newBuilder("filesystem").overrides(overrides).build(BlobStoreContext.class);
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(blobs.getBlobStore())
                    .endpoint(URI.create("http://" + address + ":" + port))
                    .awsAuthentication(AuthenticationType.AWS_V4, access, secret)
                    .build();
            proxy.start();
            return new EmbeddedObjectStore(blobs, proxy, address, access, secret);
        } catch (IOException e) {
            close(blobs);
            throw new UncheckedIOException("cannot create the object store folder " + dir, e);
        } catch (Exception e) {
            close(blobs);
            throw new IllegalStateException("cannot start the embedded object store over " + dir, e);
        }
    }

    boolean running() {
        return proxy != null;
    }

    /** Where this service reaches the store; a wildcard bind address is reached over loopback. */
    String endpoint() {
        String host = address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address;
        return "http://" + host + ":" + proxy.getPort();
    }

    /**
     * The multipart uploads in progress under {@code prefix}, from the blob store itself: S3Proxy answers the S3
     * listing only without the paging parameters every S3 client sends. The store keeps no start time.
     */
    List<ObjectStore.InProgress> multipartUploads(String bucket, String prefix) {
        return blobs.getBlobStore().listMultipartUploads(bucket).stream()
                .filter(u -> u.blobName().startsWith(prefix))
                .map(u -> new ObjectStore.InProgress(u.blobName(), u.id(), null))
                .toList();
    }

    String accessKey() {
        return accessKey;
    }

    String secretKey() {
        return secretKey;
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
        close(blobs);
    }

    private static void close(BlobStoreContext blobs) {
        if (blobs != null) {
            blobs.close();
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String randomKey(int length) {
        StringBuilder key = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            key.append(KEY_ALPHABET.charAt(RANDOM.nextInt(KEY_ALPHABET.length())));
        }
        return key.toString();
    }
}
