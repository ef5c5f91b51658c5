package dev.goldsmith.worker.vm;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running QEMU process: its serial console is read line by line into {@code console}; QMP asks for an ACPI
 * power-down; {@link #kill()} ends it at once (cancellation, deadlines).
 */
public final class QemuVm implements AutoCloseable {

    /** The longest serial console line kept (the control plane keeps 8 KB of a log line). */
    static final int MAX_SERIAL_LINE = 8000;

    private final VmSpec spec;
    private final Process process;
    private final Thread serialReader;

    private QemuVm(VmSpec spec, Process process, Thread serialReader) {
        this.spec = spec;
        this.process = process;
        this.serialReader = serialReader;
    }

    public static QemuVm start(VmSpec spec, Consumer<String> console) throws IOException {
        if (spec.uefi()) {
            Files.copy(spec.firmware().varsTemplate(), spec.varsFile(), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(spec.qmpSocket());
        Process process = new ProcessBuilder(spec.command()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        Thread reader = Thread.ofPlatform().daemon().name("serial-" + spec.name()).start(() -> {
            try (var serial = process.getInputStream()) {
                BoundedLines.read(serial, MAX_SERIAL_LINE, console);
            } catch (IOException ignored) {
                // the VM is gone
            }
        });
        return new QemuVm(spec, process, reader);
    }

    public VmSpec spec() {
        return spec;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits for the VM to exit; true if it did within the timeout (the serial log is then fully read). */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (exited) {
            serialReader.join(5_000);
        }
        return exited;
    }

    public int exitValue() {
        return process.exitValue();
    }

    /**
     * Presses the virtual power button (ACPI), as a clean shutdown from outside the guest. Waits for QEMU to
     * acknowledge each command: closing the socket early can drop a command not yet processed.
     */
    public void powerDown() throws IOException {
        try (SocketChannel qmp = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            qmp.connect(UnixDomainSocketAddress.of(spec.qmpSocket()));
            StringBuilder received = new StringBuilder();
            awaitText(qmp, received, "\"QMP\"");
            send(qmp, "{\"execute\":\"qmp_capabilities\"}\n");
            awaitText(qmp, received, "\"return\"");
            received.setLength(0);
            send(qmp, "{\"execute\":\"system_powerdown\"}\n");
            awaitText(qmp, received, "\"return\"");
        }
    }

    private static void send(SocketChannel channel, String message) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void awaitText(SocketChannel channel, StringBuilder received, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (received.indexOf(text) < 0) {
            buffer.clear();
            if (channel.read(buffer) < 0) {
                throw new IOException("QMP closed before answering: " + received);
            }
            received.append(StandardCharsets.UTF_8.decode(buffer.flip()));
        }
    }

    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(spec.qmpSocket());
        } catch (IOException ignored) {
            // a stale socket file is harmless: the next VM of that name replaces it
        }
    }
}
