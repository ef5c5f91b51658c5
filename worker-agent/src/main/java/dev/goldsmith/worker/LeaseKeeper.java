package dev.goldsmith.worker;

import dev.goldsmith.api.HeartbeatReply;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.protocol.ProtocolException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats a lease on its own schedule, apart from the work (liveness is not progress) and on its own thread
 * and connection, so a beat never waits behind an upload or a log shipment. Each beat is given up on before
 * the next is due. Raises the build's stop signal when the control plane asks to cancel, when the lease is lost,
 * and when no beat has been answered for a whole lease TTL: by then the control plane has given the lease away
 * (or cannot be reached at all), and the worker stops the build and says so instead of working on for nothing.
 */
public class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ControlPlane controlPlane;
    private final UUID lease;
    private final StopSignal stop;
    private final ScheduledExecutorService timer;
    private final Duration beatDeadline;
    private final Duration leaseTtl;
    private volatile long answeredAt = System.nanoTime();

    public LeaseKeeper(ControlPlane controlPlane, UUID lease, Duration interval, Duration leaseTtl, StopSignal stop) {
        this.controlPlane = controlPlane;
        this.lease = lease;
        this.stop = stop;
        this.leaseTtl = leaseTtl;
        long millis = Math.max(200, interval.toMillis());
        this.beatDeadline = Duration.ofMillis(Math.max(200, millis));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("heartbeat-" + lease.toString().substring(0, 8)).unstarted(r));
        timer.scheduleWithFixedDelay(this::beat, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * How often to heartbeat: as the control plane asks, but at least three times per lease, so two lost beats
     * (a restarting control plane, a slow network) never cost a healthy build its lease.
     */
    static Duration interval(Duration offered, Duration leaseTtl) {
        if (leaseTtl == null || leaseTtl.isZero() || leaseTtl.isNegative()) {
            return offered;
        }
        Duration third = leaseTtl.dividedBy(3);
        return offered == null || offered.compareTo(third) > 0 ? third : offered;
    }

    private void beat() {
        try {
            HeartbeatReply reply = controlPlane.heartbeat(lease, beatDeadline);
            answeredAt = System.nanoTime();
            if (reply.cancel()) {
                stop.cancel("cancelled by the control plane");
            }
        } catch (ProtocolException e) {
            // A 5xx is the control plane saying it cannot keep the lease now (its database hangs): no answer.
            if (e.status() < 500) {
                answeredAt = System.nanoTime();
            }
            if (e.leaseLost()) {
                stop.leaseLost(e.getMessage());
            } else {
                log.warn("heartbeat refused: {}", e.getMessage());
                giveUpAfterTtl();
            }
        } catch (Exception e) {
            // The control plane may be restarting; the lease TTL covers a few missed beats.
            log.warn("heartbeat failed ({} without an answer): {}", silence().truncatedTo(ChronoUnit.SECONDS),
                    e.getMessage());
            giveUpAfterTtl();
        }
    }

    private Duration silence() {
        return Duration.ofNanos(System.nanoTime() - answeredAt);
    }

    /** Past a whole lease TTL without an answer the control plane has given the lease away: stop the build. */
    private void giveUpAfterTtl() {
        Duration silent = silence();
        if (leaseTtl != null && silent.compareTo(leaseTtl) > 0) {
            log.warn("lease {}: the control plane answered no heartbeat for {}, longer than the lease TTL {}; "
                    + "the lease is lost, stopping the build", lease, silent.truncatedTo(ChronoUnit.SECONDS),
                    leaseTtl);
            stop.leaseLost("the control plane answered no heartbeat for longer than the lease TTL " + leaseTtl);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
