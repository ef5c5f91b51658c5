package dev.goldsmith.worker.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.goldsmith.api.InstallerMedium;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's media cache against a local HTTP server standing in for the object store's presigned URLs. */
class MediaCacheTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> downloads = new ConcurrentHashMap<>();
    private final List<String> log = new ArrayList<>();
    private volatile CountDownLatch slowDownloads = new CountDownLatch(0);
    private final SteppedClock clock = new SteppedClock();

    /** A clock that moves only when told to, so which medium was used last never depends on timing. */
    private static final class SteppedClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-26T10:00:00Z");

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = served.get(path);
            downloads.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            try {
                slowDownloads.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private MediaCache cache(long limit) throws IOException {
        return new MediaCache(dir.resolve("cache"), limit, HttpClient.newHttpClient(), clock);
    }

    /** A medium of {@code size} random bytes served at {@code /<name>}, described by its true digest. */
    private InstallerMedium aMedium(String name, int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(name.hashCode()).nextBytes(bytes);
        served.put("/" + name, bytes);
        return new InstallerMedium(name, sha256(bytes), size, "iso",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name, "UEFI",
                "Install completed successfully", List.of(), Duration.ofMinutes(10), null, null);
    }

    private int downloadsOf(InstallerMedium medium) {
        return downloads.getOrDefault("/" + medium.name(), new AtomicInteger()).get();
    }

    @Test
    void aFetchedMediumHashesToItsNameAndIsTakenFromTheCacheNextTime() throws Exception {
        MediaCache cache = cache(1L << 30);
        InstallerMedium medium = aMedium("kldload", 300_000);

        Path first;
        try (MediaCache.Use use = cache.acquire(medium, log::add)) {
            first = use.file();
            assertThat(sha256(Files.readAllBytes(first))).isEqualTo(medium.sha256());
        }
        try (MediaCache.Use use = cache.acquire(medium, log::add)) {
            assertThat(use.file()).isEqualTo(first);
        }

        assertThat(downloadsOf(medium)).isEqualTo(1);
        assertThat(first.getFileName().toString()).isEqualTo(medium.sha256() + ".iso");
        assertThat(log).anyMatch(l -> l.contains("from the cache, unchanged since it was checked"));
    }

    @Test
    void aCorruptedCachedMediumIsDetectedAndFetchedAgain() throws Exception {
        MediaCache cache = cache(1L << 30);
        InstallerMedium medium = aMedium("kldload", 300_000);
        Path file;
        try (MediaCache.Use use = cache.acquire(medium, log::add)) {
            file = use.file();
        }
        file.toFile().setWritable(true);
        byte[] corrupt = Files.readAllBytes(file);
        corrupt[1234] ^= 0x5a;
        Files.write(file, corrupt);

        try (MediaCache.Use use = cache.acquire(medium, log::add)) {
            assertThat(sha256(Files.readAllBytes(use.file()))).isEqualTo(medium.sha256());
        }

        assertThat(downloadsOf(medium)).isEqualTo(2);
        assertThat(log).anyMatch(l -> l.contains("is corrupt") && l.contains("fetching it again"));
    }

    @Test
    void aDownloadThatDoesNotHashToTheMediumsNameIsNeverHandedOut() throws Exception {
        MediaCache cache = cache(1L << 30);
        InstallerMedium honest = aMedium("kldload", 100_000);
        InstallerMedium lying = new InstallerMedium(honest.name(), "0".repeat(64), honest.size(), "iso", honest.url(),
                "UEFI", "done", List.of(), Duration.ofMinutes(1), null, null);

        assertThatThrownBy(() -> cache.acquire(lying, log::add)).hasMessageContaining("not using it");

        try (var files = Files.list(dir.resolve("cache"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void concurrentBuildsShareOneDownload() throws Exception {
        MediaCache cache = cache(1L << 30);
        InstallerMedium medium = aMedium("shared", 500_000);
        slowDownloads = new CountDownLatch(1);
        List<Future<String>> builds = new ArrayList<>();
        List<Thread> acquirers = new CopyOnWriteArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                builds.add(pool.submit(() -> {
                    acquirers.add(Thread.currentThread());
                    try (MediaCache.Use use = cache.acquire(medium, line -> { })) {
                        return sha256(Files.readAllBytes(use.file()));
                    }
                }));
            }
            // The download has begun and all four builds are parked waiting for it before it may finish.
            await().atMost(Duration.ofSeconds(10)).until(() -> downloadsOf(medium) == 1 && acquirers.size() == 4
                    && acquirers.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                            || t.getState() == Thread.State.TIMED_WAITING));
            slowDownloads.countDown();
            for (Future<String> build : builds) {
                assertThat(build.get()).isEqualTo(medium.sha256());
            }
        }

        assertThat(downloadsOf(medium)).isEqualTo(1);
    }

    @Test
    void theLeastRecentlyUsedMediumNoBuildHoldsIsEvictedToStayWithinTheLimit() throws Exception {
        MediaCache cache = cache(250_000);
        InstallerMedium oldest = aMedium("oldest", 100_000);
        InstallerMedium held = aMedium("held", 100_000);
        InstallerMedium newest = aMedium("newest", 100_000);
        Path oldestFile;
        try (MediaCache.Use use = cache.acquire(oldest, log::add)) {
            oldestFile = use.file();
        }
        clock.advance(Duration.ofMinutes(1));
        try (MediaCache.Use holding = cache.acquire(held, log::add)) {
            try (MediaCache.Use use = cache.acquire(newest, log::add)) {
                assertThat(use.file()).exists();
            }
            assertThat(holding.file()).exists();
        }

        assertThat(oldestFile).doesNotExist();
        assertThat(log).anyMatch(l -> l.startsWith("evicted installer medium " + oldest.sha256()));
        assertThatThrownBy(() -> cache.acquire(aMedium("huge", 300_000), log::add))
                .hasMessageContaining("does not fit");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
