package dev.goldsmith.worker;

import dev.goldsmith.api.Lease;
import dev.goldsmith.api.WorkerRegistered;
import dev.goldsmith.api.WorkerRegistration;
import dev.goldsmith.worker.media.MediaCache;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.protocol.ProtocolException;
import dev.goldsmith.worker.vm.Accel;
import dev.goldsmith.worker.vm.AccelProbe;
import dev.goldsmith.worker.vm.Commands;
import dev.goldsmith.worker.vm.Firmware;
import dev.goldsmith.worker.vm.LeftoverCleaner;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker agent: cleans up after a previous run, finds out which accelerator works, registers, and runs
 * {@code GOLDSMITH_SLOTS} claim loops, each one build at a time.
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private final WorkerSettings settings;
    private final ControlPlane controlPlane;
    private volatile boolean running = true;

    WorkerMain(WorkerSettings settings) {
        this.settings = settings;
        this.controlPlane = new ControlPlane(settings.controlPlane(), settings.token(), settings.deadlines());
    }

    public static void main(String[] args) throws Exception {
        WorkerSettings settings = WorkerSettings.fromEnvironment(System.getenv());
        new WorkerMain(settings).run();
    }

    void run() throws Exception {
        if (settings.workDir().toString().contains(",")) {
            throw new IllegalArgumentException("GOLDSMITH_WORK_DIR must not contain a comma (qemu drive syntax)");
        }
        Files.createDirectories(settings.workDir().resolve("builds"));
        int killed = LeftoverCleaner.clean(settings.workDir().resolve("builds"));
        log.info("work directory {} ready ({} QEMU process(es) of a previous run killed)", settings.workDir(), killed);
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "shutdown"));

        Firmware firmware = Firmware.find();
        Accel accel = new AccelProbe(firmware, settings.kvmProbeTimeout()).choose(settings.accel());
        log.info("accelerator: {} ({})", accel.name(), accel.reason());
        WorkerRegistered registered = register(accel);
        log.info("registered as worker {} '{}' with {} slot(s)", registered.workerId(), settings.name(),
                settings.slots());

        MediaCache media = new MediaCache(settings.cacheDir(), settings.cacheSize(), controlPlane.http(),
                Clock.systemUTC());
        Duration heartbeat = LeaseKeeper.interval(registered.heartbeatInterval(), registered.leaseTtl());
        if (!heartbeat.equals(registered.heartbeatInterval())) {
            log.warn("the control plane asks for a heartbeat every {} but leases last {}: heartbeating every {} so "
                    + "a lease survives two lost beats", registered.heartbeatInterval(), registered.leaseTtl(),
                    heartbeat);
        }
        BuildRunner runner = new BuildRunner(settings, controlPlane, accel, firmware, heartbeat,
                registered.leaseTtl(), media);
        List<Thread> slots = new ArrayList<>();
        for (int slot = 0; slot < settings.slots(); slot++) {
            slots.add(Thread.ofPlatform().name("slot-" + slot).start(() -> claimLoop(registered, runner)));
        }
        for (Thread slot : slots) {
            slot.join();
        }
    }

    private WorkerRegistered register(Accel accel) throws InterruptedException {
        String qemu = qemuVersion();
        Duration backoff = Duration.ofSeconds(1);
        while (true) {
            try {
                return controlPlane.register(new WorkerRegistration(settings.name(), "x86_64", accel.name(), qemu,
                        settings.slots(), settings.labels()));
            } catch (ProtocolException e) {
                if (e.status() == 401 || e.status() == 403 || e.status() == 422) {
                    throw new IllegalStateException("registration refused: " + e.getMessage(), e);
                }
                log.warn("registration failed, retrying: {}", e.getMessage());
            } catch (IOException e) {
                log.warn("control plane unreachable at {}, retrying: {}", settings.controlPlane(), e.getMessage());
            }
            Thread.sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                    : backoff.multipliedBy(2);
        }
    }

    private void claimLoop(WorkerRegistered registered, BuildRunner runner) {
        while (running) {
            try {
                Optional<Lease> lease = controlPlane.claim(registered.workerId(), settings.claimWait());
                if (lease.isPresent()) {
                    log.info("claimed build {} attempt {}", lease.get().build().buildId(), lease.get().build().attempt());
                }
                // While builds keep coming, each completion hands over the next one: no claim in between.
                while (lease.isPresent()) {
                    Lease current = lease.get();
                    lease = runner.run(current, running);
                    lease.ifPresent(next -> log.info("claimed build {} attempt {} with the completion of build {}",
                            next.build().buildId(), next.build().attempt(), current.build().buildId()));
                }
            } catch (IOException e) {
                log.warn("claim failed (the control plane at {} may be down or unreachable): {}",
                        settings.controlPlane(), e.getMessage());
                sleepQuietly(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                // One broken build must not take the slot down with it.
                log.error("slot error", e);
                sleepQuietly(Duration.ofSeconds(5));
            }
        }
    }

    private void shutdown() {
        running = false;
        // QEMU children would outlive the JVM; a lease they held expires and the build is retried elsewhere.
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    private static String qemuVersion() {
        try {
            String output = Commands.run(List.of("qemu-system-x86_64", "--version"), Duration.ofSeconds(20)).output();
            String first = output.lines().findFirst().orElse("unknown");
            return first.replaceAll("[^A-Za-z0-9 ._:()+~-]", "").trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
