package dev.goldsmith.worker.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Commands in a guest over SSH (Apache MINA sshd, not the ssh binary), authenticated with the build key.
 * Host keys are accepted: the guest was just installed by this build and is reached only on loopback.
 */
public final class GuestShell implements AutoCloseable {

    /** A finished command: its exit status and combined output. */
    public record Outcome(int exitStatus, String output, long durationMs) {
    }

    /** The most of a command's output kept: the guest decides how much it prints. */
    static final int MAX_OUTPUT = 4 << 20;

    private final SshClient client;
    private final ClientSession session;

    private GuestShell(SshClient client, ClientSession session) {
        this.client = client;
        this.session = session;
    }

    public static GuestShell connect(int port, String user, KeyPair key, Duration timeout) throws IOException {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        try {
            ClientSession session = client.connect(user, "127.0.0.1", port).verify(timeout).getSession();
            session.addPublicKeyIdentity(key);
            session.auth().verify(timeout);
            return new GuestShell(client, session);
        } catch (IOException | RuntimeException e) {
            client.stop();
            throw e;
        }
    }

    /** True if {@code user} can log in with {@code key}: used to prove root login is refused. */
    public static boolean canLogIn(int port, String user, KeyPair key, Duration timeout) {
        try (GuestShell ignored = connect(port, user, key, timeout)) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public Outcome run(String command, Duration timeout) throws IOException {
        return run(command, null, timeout);
    }

    /** Runs {@code command} with {@code stdin} as its standard input (e.g. a script for {@code sh -s}). */
    public Outcome run(String command, String stdin, Duration timeout) throws IOException {
        long start = System.nanoTime();
        BoundedOutput output = new BoundedOutput(MAX_OUTPUT);
        try (ChannelExec channel = session.createExecChannel(command)) {
            if (stdin != null) {
                channel.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            }
            channel.setOut(output);
            channel.setErr(output);
            channel.open().verify(timeout);
            var events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException("command did not finish within " + timeout + ": " + command);
            }
            Integer status = channel.getExitStatus();
            return new Outcome(status == null ? -1 : status, output.text(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * Runs {@code command} with {@code stdin}, its standard output going to {@code out} (at most {@code maxBytes};
     * more fails the command), its standard error kept as the outcome's output.
     */
    public Outcome runToFile(String command, String stdin, java.nio.file.Path out, long maxBytes, Duration timeout)
            throws IOException {
        long start = System.nanoTime();
        BoundedOutput errors = new BoundedOutput(64 << 10);
        try (ChannelExec channel = session.createExecChannel(command);
                OutputStream file = new CappedFile(java.nio.file.Files.newOutputStream(out), maxBytes)) {
            channel.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            channel.setOut(file);
            channel.setErr(errors);
            channel.open().verify(timeout);
            var events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException("command did not finish within " + timeout + ": " + command);
            }
            Integer status = channel.getExitStatus();
            if (((CappedFile) file).exceeded) {
                throw new IOException(command + " wrote more than " + maxBytes + " bytes");
            }
            return new Outcome(status == null ? -1 : status, errors.text(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** A file that takes at most {@code max} bytes and notes that more were offered. */
    private static final class CappedFile extends java.io.FilterOutputStream {
        private final long max;
        private long written;
        private volatile boolean exceeded;

        CappedFile(OutputStream out, long max) {
            super(out);
            this.max = max;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            long room = Math.max(0, Math.min(length, max - written));
            out.write(bytes, offset, (int) room);
            written += room;
            if (room < length) {
                exceeded = true;
            }
        }
    }

    /** Keeps the first {@code max} bytes written to it and counts the rest. */
    static final class BoundedOutput extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final int max;
        private long dropped;

        BoundedOutput(int max) {
            this.max = max;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            int room = Math.max(0, Math.min(length, max - kept.size()));
            kept.write(bytes, offset, room);
            dropped += length - room;
        }

        synchronized String text() {
            String text = kept.toString(StandardCharsets.UTF_8);
            return dropped == 0 ? text : text + "\n[" + dropped + " more bytes of output not kept]";
        }
    }

    /** The SHA-256 fingerprint of the host key the guest presented ({@code SHA256:...}). */
    public String hostKeyFingerprint() {
        return KeyUtils.getFingerPrint(session.getServerKey());
    }

    @Override
    public void close() {
        try {
            session.close(true);
        } finally {
            client.stop();
        }
    }
}
