package dev.goldsmith.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Group commit without a thread of its own: a caller queues its item, and whichever caller finds one of the
 * {@code writers} slots free takes everything queued (up to {@code maxBatch}) and hands it to the batch action
 * as one batch, while later arrivals queue up for the next. Under load, batches grow by themselves; alone, a
 * caller writes its own item at once. A writer writes one batch and leaves, so no caller waits behind a queue
 * that keeps filling.
 */
final class GroupCommit<T, R> {

    /** One caller's item and, once written, its result. */
    static final class Pending<T, R> {

        private final T item;
        private final Thread caller;
        private volatile boolean taken;
        private volatile boolean done;
        private R result;
        private RuntimeException failure;

        private Pending(T item, Thread caller) {
            this.item = item;
            this.caller = caller;
        }

        T item() {
            return item;
        }

        void succeed(R value) {
            result = value;
            finish();
        }

        void fail(RuntimeException error) {
            failure = error;
            finish();
        }

        boolean isDone() {
            return done;
        }

        private void finish() {
            done = true;
            LockSupport.unpark(caller);
        }
    }

    private final ConcurrentLinkedQueue<Pending<T, R>> queued = new ConcurrentLinkedQueue<>();
    private final Semaphore writers;
    private final int maxBatch;
    private final Consumer<List<Pending<T, R>>> batch;

    /** {@code batch} must finish every pending item it is given, with a result or a failure. */
    GroupCommit(int writers, int maxBatch, Consumer<List<Pending<T, R>>> batch) {
        this.writers = new Semaphore(writers);
        this.maxBatch = maxBatch;
        this.batch = batch;
    }

    /**
     * Writes the item with whatever else is queued, and returns its result or throws its failure. A caller whose
     * item another writer has taken parks until that writer answers it, and never writes again meanwhile.
     */
    R submit(T item) {
        // A writer's batch is other callers' work too: an interrupt meant for this caller must not fail theirs.
        boolean interrupted = Thread.interrupted();
        Pending<T, R> pending = new Pending<>(item, Thread.currentThread());
        queued.add(pending);
        while (!pending.isDone()) {
            if (!pending.taken && writers.tryAcquire()) {
                try {
                    writeOneBatch();
                } finally {
                    writers.release();
                    // A caller that found every slot taken parks until a writer leaves; wake the oldest to write.
                    Pending<T, R> next = queued.peek();
                    if (next != null) {
                        LockSupport.unpark(next.caller);
                    }
                }
            } else {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (pending.failure != null) {
            throw pending.failure;
        }
        return pending.result;
    }

    private void writeOneBatch() {
        List<Pending<T, R>> taken = new ArrayList<>();
        for (Pending<T, R> p; taken.size() < maxBatch && (p = queued.poll()) != null; ) {
            p.taken = true;
            taken.add(p);
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            batch.accept(taken);
        } catch (RuntimeException | Error e) {
            taken.stream().filter(p -> !p.isDone()).forEach(p -> p.fail(e instanceof RuntimeException r ? r
                    : new IllegalStateException("writing a batch failed", e)));
            if (e instanceof Error error) {
                throw error;
            }
            return;
        }
        taken.stream().filter(p -> !p.isDone())
                .forEach(p -> p.fail(new IllegalStateException("the batch left an item unanswered")));
    }
}
