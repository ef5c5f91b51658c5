package dev.goldsmith.worker.protocol;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to the control plane that a short outage must not turn into a failed build: a call that got no answer,
 * or a 5xx (the control plane up but its database or store not), is tried again with growing pauses until it is
 * answered, the build is stopped, or {@code giveUpAfter} has passed (by then the lease has expired anyway). An
 * answer that refuses (4xx) is not tried again.
 */
public final class Retry {

    private static final Logger log = LoggerFactory.getLogger(Retry.class);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

    /** One call. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws IOException;
    }

    private Retry() {
    }

    public static <T> T untilAnswered(String what, Call<T> call, Duration giveUpAfter, BooleanSupplier stopped)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + giveUpAfter.toNanos();
        Duration pause = FIRST_PAUSE;
        while (true) {
            try {
                return call.call();
            } catch (IOException e) {
                boolean transientFailure = !(e instanceof ProtocolException refused) || refused.status() >= 500;
                if (!transientFailure || stopped.getAsBoolean() || System.nanoTime() + pause.toNanos() > end) {
                    throw e;
                }
                log.warn("{} failed, trying again in {} s: {}", what, pause.toSeconds(), e.getMessage());
                Thread.sleep(pause);
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
        }
    }
}
