package dev.goldsmith.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Why a build must stop early (cancelled, or its lease lost), and what to kill when it does. */
public class StopSignal {

    public enum Reason { CANCELLED, LEASE_LOST }

    private volatile Reason reason;
    private volatile String detail;
    private final List<Runnable> onStop = new CopyOnWriteArrayList<>();

    public void cancel(String why) {
        raise(Reason.CANCELLED, why);
    }

    public void leaseLost(String why) {
        raise(Reason.LEASE_LOST, why);
    }

    private synchronized void raise(Reason why, String text) {
        if (reason != null) {
            return;
        }
        reason = why;
        detail = text;
        onStop.forEach(Runnable::run);
    }

    /** Runs {@code action} when the build is stopped (at once if it already is). */
    public synchronized void whenStopped(Runnable action) {
        if (reason != null) {
            action.run();
        } else {
            onStop.add(action);
        }
    }

    public void forget(Runnable action) {
        onStop.remove(action);
    }

    public boolean stopped() {
        return reason != null;
    }

    public Reason reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }

    /** Throws if the build must stop; stages call this between steps. */
    public void check() throws StoppedException {
        if (reason != null) {
            throw new StoppedException(reason, detail);
        }
    }

    /** Thrown out of a stage that was stopped. */
    public static class StoppedException extends Exception {
        private final Reason reason;

        public StoppedException(Reason reason, String detail) {
            super(detail);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
