package dev.goldsmith.worker.stages;

import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.ArtifactUploadComplete;
import dev.goldsmith.api.ArtifactUploadRequest;
import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.PartUrl;
import dev.goldsmith.api.UploadedPart;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.protocol.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * STORE for one file: it is read once, front to back; each part updates the SHA-256 and is PUT to its presigned
 * URL while the next is read, a few parts in flight at once. The control plane then checks size and digest of
 * what landed.
 */
public final class ArtifactUploader {

    private static final int PARTS_IN_FLIGHT = 4;
    private static final int PART_ATTEMPTS = 3;

    private final ControlPlane controlPlane;
    private final HttpClient http;
    private final java.time.Duration patience;

    /** {@code patience}: how long starting an upload is tried again while the control plane cannot answer. */
    public ArtifactUploader(ControlPlane controlPlane, java.time.Duration patience) {
        this.controlPlane = controlPlane;
        this.http = controlPlane.http();
        this.patience = patience;
    }

    /**
     * What was uploaded, what the uploader itself computed, how long hashing and sending the parts took, and how
     * long the control plane took to assemble and verify them.
     */
    public record Uploaded(ArtifactView artifact, String sha256, long size, java.time.Duration transfer,
            java.time.Duration verification) {
    }

    public Uploaded upload(UUID lease, String format, Path file) throws IOException, InterruptedException {
        long size = Files.size(file);
        long start = System.nanoTime();
        ArtifactUpload upload = Retry.untilAnswered("start of the " + format + " upload",
                () -> controlPlane.startUpload(lease, new ArtifactUploadRequest(format, file.getFileName().toString(),
                        size)), patience, () -> false);
        MessageDigest sha256 = newDigest();
        List<Future<UploadedPart>> parts = new ArrayList<>();
        Semaphore inFlight = new Semaphore(PARTS_IN_FLIGHT);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
                InputStream in = Files.newInputStream(file)) {
            for (PartUrl part : upload.parts()) {
                long remaining = size - (long) (part.partNumber() - 1) * upload.partSize();
                byte[] bytes = in.readNBytes((int) Math.min(upload.partSize(), Math.max(0, remaining)));
                sha256.update(bytes);
                inFlight.acquire();
                parts.add(pool.submit(() -> {
                    try {
                        return put(part, bytes);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            List<UploadedPart> done = new ArrayList<>();
            for (Future<UploadedPart> part : parts) {
                done.add(part.get());
            }
            String hex = HexFormat.of().formatHex(sha256.digest());
            long sent = System.nanoTime();
            ArtifactView stored = controlPlane.completeUpload(lease, format,
                    new ArtifactUploadComplete(upload.uploadId(), hex, size, done));
            return new Uploaded(stored, hex, size, Duration.ofNanos(sent - start),
                    Duration.ofNanos(System.nanoTime() - sent));
        } catch (ExecutionException e) {
            throw new IOException("part upload failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private UploadedPart put(PartUrl part, byte[] bytes) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= PART_ATTEMPTS; attempt++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(part.url()))
                    .timeout(Duration.ofMinutes(10))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    String etag = response.headers().firstValue("ETag")
                            .orElseThrow(() -> new IOException("no ETag for part " + part.partNumber()));
                    return new UploadedPart(part.partNumber(), etag);
                }
                last = new IOException("part " + part.partNumber() + " answered " + response.statusCode());
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
