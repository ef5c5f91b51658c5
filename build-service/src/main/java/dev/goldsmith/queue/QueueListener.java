package dev.goldsmith.queue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Holds one connection that LISTENs on the queue channel and wakes local claimers on every NOTIFY, from
 * this instance or any other. A connection that only waits for notifications cannot tell a quiet database from
 * a dead or hung one, so it asks the database something every {@link #PROBE_EVERY}: the socket deadline then
 * ends a hung connection. After a lost connection it reconnects and wakes everyone once, since notifications
 * sent meanwhile are gone.
 */
@Component
class QueueListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(QueueListener.class);
    static final long PROBE_EVERY = 10_000;

    private final DataSource dataSource;
    private final QueueSignals signals;
    private final AtomicInteger connected = new AtomicInteger();
    private volatile boolean running;
    private Thread thread;

    QueueListener(DataSource dataSource, QueueSignals signals, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.signals = signals;
        Gauge.builder("goldsmith.queue.listener.connected", connected, AtomicInteger::get)
                .description("1 while this replica listens for queue notifications, 0 while it reconnects")
                .register(meters);
    }

    @Override
    public void start() {
        // A context stopped and started again (Spring pauses idle test contexts this way) waits as before.
        signals.open();
        running = true;
        thread = Thread.ofPlatform().daemon().name("queue-listener").start(this::listen);
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + QueueNotifier.CHANNEL);
                PGConnection pg = connection.unwrap(PGConnection.class);
                connected.set(1);
                signals.signal();
                long probed = System.currentTimeMillis();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications != null && notifications.length > 0) {
                        signals.signal();
                    }
                    if (System.currentTimeMillis() - probed >= PROBE_EVERY) {
                        statement.execute("select 1");
                        probed = System.currentTimeMillis();
                    }
                }
            } catch (Exception e) {
                connected.set(0);
                if (running) {
                    log.warn("Queue listener lost its connection ({}); claimers fall back to polling", e.getMessage());
                    signals.awaitQuietly(1_000);
                }
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        signals.close();
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stop before the web server so that waiting long-polls return 204 and the server can drain.
        return Integer.MAX_VALUE;
    }
}
