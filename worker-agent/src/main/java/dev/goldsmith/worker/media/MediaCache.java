package dev.goldsmith.worker.media;

import dev.goldsmith.api.InstallerMedium;
import dev.goldsmith.worker.protocol.StallGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installer media on this worker, by digest: {@code <dir>/<sha256>.<format>}. A medium is fetched from the URL its
 * lease gives, hashed while it is written, and kept only if it hashes to its name; a {@code .verified} marker then
 * records the size, modification time and file key that were checked. Each later use compares those cheaply and
 * hashes the file again when anything differs, fetching it anew if it no longer matches: no build boots a medium
 * whose digest was not checked. Builds that want the same medium at once share one download. The cache keeps at
 * most {@code limit} bytes, evicting the least recently used media that no build is using.
 */
public final class MediaCache {

    /** The store must answer a download within this, and then never go longer without a byte. */
    static final Duration HEADERS_WITHIN = Duration.ofMinutes(1);
    static final Duration STALL_AFTER = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(MediaCache.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final List<String> FORMATS = List.of("iso", "img");
    private static final String MARKER = ".verified";

    private final Path dir;
    private final long limit;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Integer> inUse = new HashMap<>();

    /** {@code clock} stamps each use of a medium; the least recently used is evicted first. */
    public MediaCache(Path dir, long limit, HttpClient http, Clock clock) throws IOException {
        this.dir = dir;
        this.limit = limit;
        this.http = http;
        this.clock = clock;
        Files.createDirectories(dir);
        // Downloads a previous run did not finish.
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, "*.part-*")) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
    }

    /** A checked medium held for one build; closing it lets the cache evict it again. */
    public final class Use implements AutoCloseable {
        private final String key;
        private final Path file;
        private boolean closed;

        private Use(String key, Path file) {
            this.key = key;
            this.file = file;
        }

        public Path file() {
            return file;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(key);
            }
        }
    }

    /** The medium, checked against its digest (fetched first if needed), held until the use is closed. */
    public Use acquire(InstallerMedium medium, Consumer<String> buildLog) throws IOException, InterruptedException {
        if (medium.sha256() == null || !SHA256.matcher(medium.sha256()).matches()
                || !FORMATS.contains(medium.format())) {
            throw new IOException("installer medium has no valid sha256/format: " + medium.sha256() + " "
                    + medium.format());
        }
        String key = medium.sha256() + "." + medium.format();
        synchronized (inUse) {
            inUse.merge(key, 1, Integer::sum);
        }
        try {
            return new Use(key, ready(key, medium, buildLog));
        } catch (IOException | InterruptedException | RuntimeException e) {
            release(key);
            throw e;
        }
    }

    private void release(String key) {
        synchronized (inUse) {
            inUse.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
        }
    }

    /** One check or download per medium at a time; a build arriving meanwhile waits for its result. */
    private Path ready(String key, InstallerMedium medium, Consumer<String> buildLog) throws IOException,
            InterruptedException {
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            buildLog.accept("installer medium " + medium.name() + " (sha256 " + medium.sha256()
                    + ") is being checked or fetched for another build; waiting for it");
            try {
                return running.get();
            } catch (ExecutionException e) {
                throw new IOException(e.getCause().getMessage(), e.getCause());
            }
        }
        try {
            Path file = checkOrFetch(key, medium, buildLog);
            mine.complete(file);
            return file;
        } catch (IOException | InterruptedException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private Path checkOrFetch(String key, InstallerMedium medium, Consumer<String> buildLog) throws IOException,
            InterruptedException {
        Path file = dir.resolve(key);
        Path marker = dir.resolve(key + MARKER);
        if (Files.isRegularFile(file)) {
            if (markerMatches(file, marker, medium.sha256())) {
                Files.setLastModifiedTime(marker, FileTime.from(clock.instant()));
                buildLog.accept("installer medium " + medium.name() + " (sha256 " + medium.sha256()
                        + ") from the cache, unchanged since it was checked");
                return file;
            }
            buildLog.accept("installer medium " + medium.name() + " in the cache changed since it was checked; "
                    + "hashing it again");
            String actual = sha256(file);
            if (actual.equals(medium.sha256())) {
                writeMarker(file, marker, medium.sha256());
                buildLog.accept("installer medium " + medium.name() + " still hashes to " + medium.sha256());
                return file;
            }
            buildLog.accept("installer medium " + medium.name() + " in the cache is corrupt (it hashes to " + actual
                    + ", not " + medium.sha256() + "); fetching it again");
            log.warn("cached medium {} is corrupt (sha256 {}); fetching it again", file, actual);
            Files.deleteIfExists(marker);
            Files.deleteIfExists(file);
        }
        evictFor(key, medium.size(), buildLog);
        return fetch(file, marker, medium, buildLog);
    }

    private Path fetch(Path file, Path marker, InstallerMedium medium, Consumer<String> buildLog) throws IOException,
            InterruptedException {
        if (medium.url() == null) {
            throw new IOException("installer medium " + medium.name() + " has no download URL");
        }
        buildLog.accept("fetching installer medium " + medium.name() + " (" + medium.size() + " bytes, sha256 "
                + medium.sha256() + ")");
        long start = System.nanoTime();
        Path part = dir.resolve(file.getFileName() + ".part-" + UUID.randomUUID());
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(medium.url()))
                    .timeout(HEADERS_WITHIN).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest digest = newDigest();
            long size = 0;
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(part);
                    StallGuard guard = StallGuard.watch(in, STALL_AFTER)) {
                if (response.statusCode() != 200) {
                    throw new IOException("download of installer medium " + medium.name() + " answered "
                            + response.statusCode());
                }
                byte[] buffer = new byte[1 << 20];
                try {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        guard.progress();
                        digest.update(buffer, 0, n);
                        out.write(buffer, 0, n);
                        size += n;
                    }
                } catch (IOException e) {
                    throw guard.tripped() ? new IOException("download of installer medium " + medium.name()
                            + " stalled: no byte for " + STALL_AFTER + " after " + size + " bytes", e) : e;
                }
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(medium.sha256())) {
                throw new IOException("downloaded installer medium " + medium.name() + " (" + size
                        + " bytes) hashes to " + actual + ", not " + medium.sha256() + "; not using it");
            }
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().setWritable(false, false);
            writeMarker(file, marker, medium.sha256());
            double seconds = Math.max(System.nanoTime() - start, 1_000_000) / 1e9;
            buildLog.accept("installer medium " + medium.name() + " fetched and checked: " + size + " bytes, sha256 "
                    + actual + " (" + String.format("%.1f", size / 1e6 / seconds) + " MB/s)");
            return file;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Evicts the least recently used media no build holds until {@code needed} more bytes fit. */
    private void evictFor(String key, long needed, Consumer<String> buildLog) throws IOException {
        if (needed > limit) {
            throw new IOException("installer medium of " + needed + " bytes does not fit the worker's cache of "
                    + limit + " bytes (GOLDSMITH_WORKER_CACHE_SIZE)");
        }
        List<Path> media = new ArrayList<>();
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path path : files) {
                String name = path.getFileName().toString();
                if (!name.contains(".part-") && !name.endsWith(MARKER) && Files.isRegularFile(path)) {
                    media.add(path);
                    total += Files.size(path);
                }
            }
        }
        media.sort(Comparator.comparing(MediaCache::lastUse));
        for (Path medium : media) {
            if (total + needed <= limit) {
                return;
            }
            String name = medium.getFileName().toString();
            boolean held;
            synchronized (inUse) {
                held = inUse.containsKey(name);
            }
            if (held || name.equals(key)) {
                continue;
            }
            long size = Files.size(medium);
            Files.deleteIfExists(dir.resolve(name + MARKER));
            Files.deleteIfExists(medium);
            total -= size;
            buildLog.accept("evicted installer medium " + name + " (" + size + " bytes, least recently used) from "
                    + "the cache");
        }
        if (total + needed > limit) {
            log.warn("media cache over its limit: {} bytes held by running builds", total);
        }
    }

    private static FileTime lastUse(Path medium) {
        try {
            Path marker = medium.resolveSibling(medium.getFileName() + MARKER);
            return Files.getLastModifiedTime(Files.exists(marker) ? marker : medium);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private void writeMarker(Path file, Path marker, String sha256) throws IOException {
        Files.writeString(marker, fingerprint(file, sha256));
        Files.setLastModifiedTime(marker, FileTime.from(clock.instant()));
    }

    private static boolean markerMatches(Path file, Path marker, String sha256) throws IOException {
        return Files.isRegularFile(marker) && Files.readString(marker).equals(fingerprint(file, sha256));
    }

    /** What was checked: the digest, and the size, modification time and file key (inode) the file had then. */
    private static String fingerprint(Path file, String sha256) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return sha256 + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis() + " "
                + attributes.fileKey() + "\n";
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
