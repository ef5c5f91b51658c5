package dev.goldsmith.worker;

import dev.goldsmith.api.HeartbeatReply;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.protocol.ProtocolException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats a lease on its own schedule, apart from the work: liveness is not progress. Raises the build's
 * stop signal when the control plane asks to cancel or the lease is lost.
 */
public class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ControlPlane controlPlane;
    private final UUID lease;
    private final StopSignal stop;
    private final ScheduledExecutorService timer;

    public LeaseKeeper(ControlPlane controlPlane, UUID lease, Duration interval, StopSignal stop) {
        this.controlPlane = controlPlane;
        this.lease = lease;
        this.stop = stop;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("heartbeat-" + lease.toString().substring(0, 8)).unstarted(r));
        long millis = Math.max(200, interval.toMillis());
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
            HeartbeatReply reply = controlPlane.heartbeat(lease);
            if (reply.cancel()) {
                stop.cancel("cancelled by the control plane");
            }
        } catch (ProtocolException e) {
            if (e.leaseLost()) {
                stop.leaseLost(e.getMessage());
            } else {
                log.warn("heartbeat refused: {}", e.getMessage());
            }
        } catch (Exception e) {
            // The control plane may be restarting; the lease TTL covers a few missed beats.
            log.warn("heartbeat failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
