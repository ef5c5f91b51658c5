package dev.goldsmith.builds;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.problems.ApiException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The {@code logs?follow} streams of this replica: at most {@code goldsmith.limits.max-log-followers} at once
 * (beyond, 503 with {@code Retry-After}), each woken when this replica stores a chunk of its build's log (once
 * that commits) and otherwise looking again after a short wait, for chunks another replica stored.
 */
@Component
public class LogFollowers {

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final Semaphore slots;
    private final int max;
    private final Map<UUID, Set<Thread>> waiting = new ConcurrentHashMap<>();

    LogFollowers(GoldsmithProperties properties) {
        this.max = properties.limits().maxLogFollowers();
        this.slots = new Semaphore(max);
    }

    /** A place among the followers, given back when the stream ends; none free is 503. */
    public Permit admit() {
        if (!slots.tryAcquire()) {
            throw ApiException.busy("This replica already streams " + max + " followed logs; try again shortly or "
                    + "read the log without follow=true.", RETRY_AFTER);
        }
        return new Permit();
    }

    /** Held by one follower; closing it gives the place back, once. */
    public final class Permit implements AutoCloseable {
        private boolean closed;

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                slots.release();
            }
        }
    }

    /** Makes the calling thread one that {@link #appended} wakes until {@link #stopWatching}. */
    void watch(UUID buildId) {
        waiting.computeIfAbsent(buildId, id -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread());
    }

    void stopWatching(UUID buildId) {
        waiting.computeIfPresent(buildId, (id, threads) -> {
            threads.remove(Thread.currentThread());
            return threads.isEmpty() ? null : threads;
        });
    }

    /** Parks a watching thread until a chunk of its build arrives or {@code timeout} passes. */
    void awaitChunk(Duration timeout) {
        LockSupport.parkNanos(this, timeout.toNanos());
    }

    /** Wakes the build's followers once the caller's transaction (storing a chunk) commits. */
    void appended(UUID buildId) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wake(buildId);
                }
            });
        } else {
            wake(buildId);
        }
    }

    private void wake(UUID buildId) {
        Set<Thread> threads = waiting.get(buildId);
        if (threads != null) {
            threads.forEach(LockSupport::unpark);
        }
    }
}
