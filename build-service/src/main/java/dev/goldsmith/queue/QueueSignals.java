package dev.goldsmith.queue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/** Where waiting claimers sleep until the queue may have work for them (or shutdown releases them). */
@Component
public class QueueSignals {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;
    private volatile boolean closed;

    public long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    public void signal() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a signal after {@code seen}, the timeout, or shutdown; returns false once closed. */
    public boolean await(long seen, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!closed && version == seen && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Lets long-polls wait again: the listener starts again after a stop (a lifecycle restart). */
    void open() {
        closed = false;
    }

    /** Releases every waiting long-poll, e.g. on graceful shutdown. */
    public void close() {
        closed = true;
        signal();
    }

    void awaitQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
