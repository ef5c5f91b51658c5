package dev.goldsmith.artifacts;

import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.PartUrl;
import dev.goldsmith.api.UploadedPart;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.FieldViolation;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Presigned multipart uploads whose result the control plane checks itself, for anything a client sends in
 * parts (image files from workers, installer media from teams): start one with a part URL per part, assemble
 * the parts, then compare the stored object's size and the SHA-256 of the bytes read back with what the client
 * reported. A mismatch deletes the object, so nothing unverified stays under its key.
 */
@Component
public class VerifiedUploads {

    private static final Logger log = LoggerFactory.getLogger(VerifiedUploads.class);
    public static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_UPLOAD_ID = 1024;

    private final ObjectStore store;
    private final MeterRegistry meters;
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

    VerifiedUploads(ObjectStore store, MeterRegistry meters) {
        this.store = store;
        this.meters = meters;
    }

    /** Starts a multipart upload of {@code size} bytes to {@code key}, cut into parts of about {@code partSize}. */
    public ArtifactUpload start(String key, long size, long partSize) {
        UploadPlan plan = UploadPlan.of(size, partSize);
        String uploadId = available(() -> store.startMultipart(key));
        List<PartUrl> parts = available(() -> IntStream.rangeClosed(1, plan.parts())
                .mapToObj(n -> new PartUrl(n, store.presignPart(key, uploadId, n)))
                .toList());
        return new ArtifactUpload(uploadId, key, plan.partSize(), parts);
    }

    /** Gives up an upload and its parts; one already gone is fine. */
    public void abortQuietly(String key, String uploadId) {
        store.abortMultipartQuietly(key, uploadId);
    }

    /**
     * Assembles the parts. Parts the store refuses abort the upload and answer 422 {@code artifact-mismatch}
     * naming {@code parts}; {@code forget} runs once the upload id can no longer be completed either way.
     */
    public void assemble(String key, String uploadId, List<UploadedPart> parts, Runnable forget) {
        try {
            store.completeMultipart(key, uploadId, parts);
        } catch (ObjectStoreException e) {
            if (!e.isRejection()) {
                throw ApiException.unavailable("The object store did not answer (" + e.getMessage()
                        + "); retry shortly.");
            }
            store.abortMultipartQuietly(key, uploadId);
            forget.run();
            throw mismatch(key, "parts", "were refused by the object store (" + e.getMessage()
                    + "); start the upload again").problem();
        }
        forget.run();
    }

    /**
     * Checks the object at {@code key} against the reported size and SHA-256; on a difference it deletes the
     * object, runs {@code discarded} and answers 422 {@code artifact-mismatch} naming {@code size} or
     * {@code sha256}.
     */
    public void verify(String key, long size, String sha256, Runnable discarded) {
        Optional<Mismatch> mismatch = check(key, size, sha256);
        if (mismatch.isPresent()) {
            discard(key, discarded);
            throw mismatch.get().problem();
        }
    }

    /** How a stored object differs from what its uploader reported: the field and what was found. */
    public record Mismatch(String key, String field, String message) {

        /** 422 {@code artifact-mismatch} naming the field; the uploader may start again. */
        public ApiException problem() {
            return ApiException.artifactMismatch(field, message);
        }
    }

    /**
     * Compares the object at {@code key} with the reported size and SHA-256 (its bytes read back), touching
     * nothing: the caller decides, under its own guard, what to keep or delete.
     */
    public Optional<Mismatch> check(String key, long size, String sha256) {
        long stored = available(() -> store.size(key)).orElse(-1);
        if (stored != size) {
            return Optional.of(mismatch(key, "size", "is " + size + " but the stored object has " + stored
                    + " bytes"));
        }
        String digest = available(() -> store.sha256(key));
        if (!digest.equals(sha256)) {
            return Optional.of(mismatch(key, "sha256", "is " + sha256 + " but the stored object's is " + digest));
        }
        return Optional.empty();
    }

    /**
     * Aborts the store's multipart uploads under {@code prefix} that were started before {@code before} and that
     * {@code known} does not recognise: uploads started by a request that died before it recorded them. Answers
     * how many it aborted.
     */
    public int abortUnrecorded(String prefix, Instant before, Predicate<String> known) {
        int aborted = 0;
        List<ObjectStore.InProgress> open = available(() -> store.multipartUploads(prefix));
        // Where the store does not say when an upload started, the first sweep that saw it stands in.
        firstSeen.keySet().retainAll(open.stream().map(ObjectStore.InProgress::uploadId).toList());
        for (ObjectStore.InProgress upload : open) {
            Instant started = upload.initiated() != null ? upload.initiated()
                    : firstSeen.computeIfAbsent(upload.uploadId(), id -> Instant.now());
            if (started.isBefore(before) && !known.test(upload.uploadId())) {
                store.abortMultipartQuietly(upload.key(), upload.uploadId());
                log.info("Aborted unrecorded upload {} of {} (started {})", upload.uploadId(), upload.key(),
                        upload.initiated());
                aborted++;
            }
        }
        return aborted;
    }

    /** The object's size, or empty when there is none. */
    public OptionalLong size(String key) {
        return available(() -> store.size(key));
    }

    /** The SHA-256 of the object's bytes, read back. */
    public String sha256(String key) {
        return available(() -> store.sha256(key));
    }

    /** What the bucket holds under a key, compared with the bytes that belong there. */
    public enum Held { SAME, ABSENT, OTHER }

    /**
     * Whether {@code key} holds an object of {@code size} bytes that hash to {@code sha256}: its bytes are read
     * back and hashed unless {@code hashedBefore} (a record made when they were last checked vouches for them).
     */
    public Held compare(String key, long size, String sha256, boolean hashedBefore) {
        long stored = size(key).orElse(-1);
        if (stored < 0) {
            return Held.ABSENT;
        }
        return stored == size && (hashedBefore || sha256(key).equals(sha256)) ? Held.SAME : Held.OTHER;
    }

    /** Writes a local file the control plane holds itself (no presigned URLs needed). */
    public void putFile(String key, Path file) {
        available(() -> {
            try (InputStream in = Files.newInputStream(file)) {
                store.putStream(key, in, Files.size(file), "application/octet-stream");
            } catch (IOException e) {
                throw new ObjectStoreException(null, "read " + file + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    /**
     * Writes a local file and checks what landed against its size and SHA-256 (a mismatch deletes the object and
     * answers 422 {@code artifact-mismatch}).
     */
    public void putFileVerified(String key, Path file, long size, String sha256) {
        putFile(key, file);
        verify(key, size, sha256, () -> { });
    }

    /** The bytes of a small object the control plane stored itself; one of more than {@code maxBytes} is refused. */
    public byte[] read(String key, int maxBytes) {
        return available(() -> {
            try (InputStream in = store.open(key)) {
                byte[] bytes = in.readNBytes(maxBytes + 1);
                if (bytes.length > maxBytes) {
                    throw new IllegalStateException(key + " holds more than " + maxBytes + " bytes");
                }
                return bytes;
            } catch (IOException e) {
                throw new ObjectStoreException(null, "read " + key + ": " + e.getMessage(), e);
            }
        });
    }

    public void putText(String key, String text) {
        available(() -> {
            store.putText(key, text);
            return null;
        });
    }

    public void remove(String key) {
        available(() -> {
            store.remove(key);
            return null;
        });
    }

    /** Checks a completion report's fields (the upload id, digest, size and every part's ETag), naming each bad one. */
    public static void validate(ArtifactUploadComplete report) {
        List<FieldViolation> errors = new ArrayList<>();
        if (report.uploadId() == null || report.uploadId().isBlank() || report.uploadId().length() > MAX_UPLOAD_ID) {
            errors.add(new FieldViolation("uploadId", "is required"));
        }
        if (report.sha256() == null || !SHA256.matcher(report.sha256()).matches()) {
            errors.add(new FieldViolation("sha256", "must be 64 lowercase hex digits"));
        }
        if (report.size() <= 0) {
            errors.add(new FieldViolation("size", "must be positive"));
        }
        List<UploadedPart> parts = report.parts();
        if (parts == null || parts.isEmpty() || parts.size() > UploadPlan.MAX_PARTS) {
            errors.add(new FieldViolation("parts", "must list every uploaded part"));
        } else {
            for (int i = 0; i < parts.size(); i++) {
                UploadedPart part = parts.get(i);
                if (part == null || part.partNumber() != i + 1) {
                    errors.add(new FieldViolation("parts[" + i + "].partNumber", "must be " + (i + 1)));
                } else if (part.etag() == null || part.etag().isBlank() || part.etag().length() > 128) {
                    errors.add(new FieldViolation("parts[" + i + "].etag", "must be the ETag the part's PUT answered"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    private void discard(String key, Runnable discarded) {
        remove(key);
        discarded.run();
    }

    private Mismatch mismatch(String key, String field, String message) {
        meters.counter("goldsmith.artifacts.verification.failures", "field", field).increment();
        log.warn("Upload of {} refused: {} {}", key, field, message);
        return new Mismatch(key, field, message);
    }

    /** Runs an object store call; a store that cannot be reached is a 503 the client may retry. */
    static <T> T available(Supplier<T> call) {
        try {
            return call.get();
        } catch (ObjectStoreException e) {
            log.warn("Object store call failed: {}", e.getMessage());
            throw ApiException.unavailable("The object store did not answer (" + e.getMessage() + "); retry shortly.");
        }
    }
}
