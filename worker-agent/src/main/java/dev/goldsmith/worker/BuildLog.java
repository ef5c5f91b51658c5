package dev.goldsmith.worker;

import dev.goldsmith.api.LogChunk;
import dev.goldsmith.worker.protocol.ControlPlane;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A build's live log: pipeline lines and the VMs' serial consoles, with secret values masked before they go
 * anywhere, shipped to the control plane in sequence-numbered chunks (a chunk that fails is resent with the
 * same number, so it is stored once).
 */
public class BuildLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BuildLog.class);
    private static final int MAX_CHUNK = 500;
    private static final int MAX_LINE = 8000;
    /** What waits for the control plane at most; beyond it lines are counted, and said so once room returns. */
    static final long MAX_PENDING_CHARS = 16L << 20;

    private final ControlPlane controlPlane;
    private final UUID lease;
    private final List<String> secrets;
    private final List<String> pending = new ArrayList<>();
    private long pendingChars;
    private long dropped;
    private final ScheduledExecutorService shipper;
    private long seq;

    public BuildLog(ControlPlane controlPlane, UUID lease, Collection<String> secrets) {
        this.controlPlane = controlPlane;
        this.lease = lease;
        this.secrets = secrets.stream().filter(s -> s.length() >= 4)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        this.shipper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("log-" + lease.toString().substring(0, 8)).unstarted(r));
        shipper.scheduleWithFixedDelay(this::shipQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** A line from the pipeline itself, time-stamped. */
    public void step(String message) {
        String line = "[" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message;
        log.info("{} {}", lease.toString().substring(0, 8), mask(message));
        append(line);
    }

    /** A raw line, e.g. from a serial console. */
    public void append(String line) {
        String clean = mask(stripControl(line));
        String bounded = clean.length() > MAX_LINE ? clean.substring(0, MAX_LINE) : clean;
        synchronized (pending) {
            if (pendingChars + bounded.length() > MAX_PENDING_CHARS) {
                dropped++;
                return;
            }
            if (dropped > 0) {
                String marker = "[goldsmith-worker] " + dropped + " log line(s) dropped: the control plane did not "
                        + "take the log in time";
                pending.add(marker);
                pendingChars += marker.length();
                dropped = 0;
            }
            pending.add(bounded);
            pendingChars += bounded.length();
        }
    }

    public String mask(String text) {
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, "********");
        }
        return result;
    }

    /** Sends what is pending; the caller learns if the control plane could not take it. */
    public synchronized void flush() throws IOException {
        while (true) {
            List<String> chunk;
            synchronized (pending) {
                if (pending.isEmpty()) {
                    return;
                }
                chunk = new ArrayList<>(pending.subList(0, Math.min(MAX_CHUNK, pending.size())));
            }
            controlPlane.log(lease, new LogChunk(seq, chunk));
            synchronized (pending) {
                pending.subList(0, chunk.size()).clear();
                pendingChars -= chunk.stream().mapToLong(String::length).sum();
            }
            seq++;
        }
    }

    private void shipQuietly() {
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            log.debug("log shipping will retry: {}", e.getMessage());
        }
    }

    /** Serial consoles print colour codes and carriage returns; keep the text. */
    static String stripControl(String line) {
        return line.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").replaceAll("[\\x00-\\x08\\x0B-\\x1F\\x7F]", "");
    }

    @Override
    public void close() {
        shipper.shutdownNow();
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            log.warn("could not ship the last log lines: {}", e.getMessage());
        }
    }
}
