package dev.goldsmith.worker.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline for a stream that may rightly take long but must never stall: the JDK's HTTP client bounds the
 * wait for a response's headers, not for its body. The guard closes the stream once {@code idle} passes without
 * {@link #progress()}, so a read blocked on a silent store fails instead of waiting forever.
 */
public final class StallGuard implements AutoCloseable {

    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("stall-guard").unstarted(r));

    private final Closeable stream;
    private final long idleNanos;
    private final ScheduledFuture<?> check;
    private volatile long progressAt = System.nanoTime();
    private volatile boolean tripped;

    private StallGuard(Closeable stream, Duration idle) {
        this.stream = stream;
        this.idleNanos = idle.toNanos();
        long every = Math.max(100, idle.toMillis() / 4);
        this.check = WATCH.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    public static StallGuard watch(Closeable stream, Duration idle) {
        return new StallGuard(stream, idle);
    }

    /** Bytes moved just now. */
    public void progress() {
        progressAt = System.nanoTime();
    }

    /** Whether the guard closed the stream because it stalled. */
    public boolean tripped() {
        return tripped;
    }

    private void check() {
        if (System.nanoTime() - progressAt > idleNanos && !tripped) {
            tripped = true;
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
