package dev.goldsmith.artifacts;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.UploadedPart;
import dev.goldsmith.digests.Sha256;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.ListMultipartUploadsResult;
import io.minio.messages.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bucket, spoken to through minio-java: multipart uploads that workers fill through presigned part URLs,
 * and the reads the control plane needs to check what landed. {@code presigner} signs for the address workers
 * reach, which may differ from the one this service uses; signing is local and never waits on the store. Every
 * call has a deadline ({@link GoldsmithProperties.S3.Timeouts}): the HTTP client's connect, read and write
 * timeouts end a transfer that stalls, and each call's future is given up on past its deadline.
 */
class ObjectStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);
    private static final String NO_SUCH_KEY = "NoSuchKey";

    private final MinioAsyncClient client;
    private final MinioAsyncClient presigner;
    private final String bucket;
    private final String region;
    private final Duration urlExpiry;
    private final EmbeddedObjectStore embedded;
    private final GoldsmithProperties.S3.Timeouts timeouts;

    ObjectStore(MinioAsyncClient client, MinioAsyncClient presigner, String bucket, String region,
            Duration urlExpiry, EmbeddedObjectStore embedded, GoldsmithProperties.S3.Timeouts timeouts) {
        this.embedded = embedded;
        this.timeouts = timeouts;
        this.client = client;
        this.presigner = presigner;
        this.bucket = bucket;
        this.region = region;
        this.urlExpiry = urlExpiry;
    }

    String bucket() {
        return bucket;
    }

    /** Whether the bucket is there; false also when the store does not answer within {@code timeout}. */
    boolean bucketReachable(java.time.Duration timeout) {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).region(region).build())
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    void ensureBucket() {
        boolean exists = call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).region(region).build()));
        if (!exists) {
            call(() -> client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(region).build()));
            log.info("Created bucket {}", bucket);
        }
    }

    /** Starts a multipart upload and returns its upload id. */
    String startMultipart(String key) {
        return call(() -> client.createMultipartUploadAsync(bucket, region, key, null, null)).result().uploadId();
    }

    /** A URL that accepts exactly part {@code partNumber} of the upload by a plain PUT, until it expires. */
    String presignPart(String key, String uploadId, int partNumber) {
        try {
            return presigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.PUT)
                    .bucket(bucket)
                    .region(region)
                    .object(key)
                    .expiry((int) urlExpiry.toSeconds())
                    .extraQueryParams(Map.of("uploadId", uploadId, "partNumber", Integer.toString(partNumber)))
                    .build());
        } catch (Exception e) {
            throw failure("presign part " + partNumber + " of " + key, e);
        }
    }

    /** A URL that answers a plain GET of the object until it expires; any query parameter added breaks it. */
    String presignGet(String key, Duration expiry) {
        try {
            return presigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET)
                    .bucket(bucket)
                    .region(region)
                    .object(key)
                    .expiry((int) expiry.toSeconds())
                    .build());
        } catch (Exception e) {
            throw failure("presign download of " + key, e);
        }
    }

    void completeMultipart(String key, String uploadId, List<UploadedPart> parts) {
        Part[] assembled = parts.stream().map(p -> new Part(p.partNumber(), p.etag())).toArray(Part[]::new);
        call(timeouts.complete(),
                () -> client.completeMultipartUploadAsync(bucket, region, key, uploadId, assembled, null, null));
    }

    /** Gives up an upload and its stored parts; an upload already gone is fine. */
    void abortMultipartQuietly(String key, String uploadId) {
        try {
            call(() -> client.abortMultipartUploadAsync(bucket, region, key, uploadId, null, null));
        } catch (ObjectStoreException e) {
            log.debug("Abort of upload {} of {} failed: {}", uploadId, key, e.getMessage());
        }
    }

    /** A multipart upload the store holds open; {@code initiated} is null where the store does not say. */
    record InProgress(String key, String uploadId, Instant initiated) {
    }

    /** Every multipart upload in progress under {@code prefix}. */
    List<InProgress> multipartUploads(String prefix) {
        return embedded != null && embedded.running() ? embedded.multipartUploads(bucket, prefix)
                : listedMultipartUploads(prefix);
    }

    /** The S3 listing, page by page. */
    private List<InProgress> listedMultipartUploads(String prefix) {
        List<InProgress> uploads = new ArrayList<>();
        String keyMarker = null;
        String uploadIdMarker = null;
        while (true) {
            String keyFrom = keyMarker;
            String idFrom = uploadIdMarker;
            ListMultipartUploadsResult page = call(() -> client.listMultipartUploadsAsync(bucket, region, null, null,
                    keyFrom, null, prefix, idFrom, null, null)).result();
            if (page.uploads() != null) {
                page.uploads().forEach(u -> uploads.add(new InProgress(u.objectName(), u.uploadId(),
                        u.initiated() == null ? null : u.initiated().toInstant())));
            }
            if (!page.isTruncated()) {
                return uploads;
            }
            keyMarker = page.nextKeyMarker();
            uploadIdMarker = page.nextUploadIdMarker();
        }
    }

    /** The object's size, or empty when there is no such object. */
    OptionalLong size(String key) {
        try {
            return OptionalLong.of(call(() -> client.statObject(
                    StatObjectArgs.builder().bucket(bucket).region(region).object(key).build())).size());
        } catch (ObjectStoreException e) {
            if (NO_SUCH_KEY.equals(e.code())) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    /** Reads the whole object back and returns its SHA-256 as lowercase hex. */
    String sha256(String key) {
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = open(key)) {
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw failure("read " + key, e);
        }
        return Sha256.hex(digest);
    }

    InputStream open(String key) {
        return call(() -> client.getObject(GetObjectArgs.builder().bucket(bucket).region(region).object(key).build()));
    }

    void putText(String key, String text) {
        // Plain "text/plain": S3Proxy 2.6 answers SignatureDoesNotMatch to "text/plain; charset=utf-8".
        putSmall(key, text.getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    /** Writes a small object (a checksum file, a provenance envelope) in one request. */
    void putSmall(String key, byte[] bytes, String contentType) {
        call(() -> client.putObject(PutObjectArgs.builder().bucket(bucket).region(region).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                .contentType(contentType)
                .build()));
    }

    /** Streams {@code size} bytes into an object (minio cuts a large one into a multipart upload itself). */
    void putStream(String key, InputStream in, long size, String contentType) {
        call(timeouts.complete(), () -> client.putObject(PutObjectArgs.builder().bucket(bucket).region(region).object(key)
                .stream(in, size, -1)
                .contentType(contentType)
                .build()));
    }

    /** Deletes an object; deleting one that is not there is fine (S3 semantics). */
    void remove(String key) {
        call(() -> client.removeObject(RemoveObjectArgs.builder().bucket(bucket).region(region).object(key).build()));
    }

    @Override
    public void close() throws Exception {
        client.close();
        if (presigner != client) {
            presigner.close();
        }
    }

    private interface StoreCall<T> {
        CompletableFuture<T> start() throws Exception;
    }

    /** A call that moves no object: it has the call deadline. */
    private <T> T call(StoreCall<T> call) {
        return call(timeouts.call(), call);
    }

    /**
     * A call with a deadline for its whole exchange; past it the call is abandoned and reported as a failure
     * (the object store is unavailable), never waited on.
     */
    private static <T> T call(Duration deadline, StoreCall<T> call) {
        CompletableFuture<T> future = null;
        try {
            future = call.start();
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ObjectStoreException(null, "no answer within " + deadline, e);
        } catch (ExecutionException e) {
            throw failure("object store call", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("object store call", e);
        } catch (Exception e) {
            throw failure("object store call", e);
        }
    }

    private static ObjectStoreException failure(String what, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException error) {
                return new ObjectStoreException(error.errorResponse().code(),
                        error.errorResponse().code() + ": " + error.errorResponse().message(), e);
            }
        }
        return new ObjectStoreException(null, what + " failed: " + e, e);
    }
}
