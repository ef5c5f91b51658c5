package dev.goldsmith.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy for tests of deadlines: it forwards both ways between its clients and one target until told to
 * {@link #stall()}, when it keeps every connection open and accepts new ones but passes no byte on, as a hung
 * database, storage node or network partition does; {@link #resume()} lets the bytes flow again. Shared by the
 * control plane's and the worker's tests (the {@code openapi} module's test jar).
 */
public final class StallingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flowing = lock.newCondition();
    private volatile boolean stalled;
    private volatile boolean closed;

    private StallingProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** A proxy on a free loopback port in front of {@code host:port}. */
    public static StallingProxy to(String host, int port) throws IOException {
        StallingProxy proxy = new StallingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                new InetSocketAddress(host, port));
        Thread.ofPlatform().daemon().name("stalling-proxy-" + port).start(proxy::accept);
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on no byte passes, either way, on any connection; new connections are accepted and held too. */
    public void stall() {
        stalled = true;
    }

    /** Bytes flow again, what was held first. */
    public void resume() {
        lock.lock();
        try {
            stalled = false;
            flowing.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread.ofVirtual().start(() -> connect(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        try {
            awaitFlowing();
            Socket upstream = new Socket();
            sockets.add(upstream);
            upstream.connect(target, 5_000);
            Thread.ofVirtual().start(() -> pump(client, upstream));
            pump(upstream, client);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                awaitFlowing();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side went away: so does the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitFlowing() throws InterruptedException, SocketException {
        lock.lock();
        try {
            while (stalled && !closed) {
                flowing.await();
            }
            if (closed) {
                throw new SocketException("proxy closed");
            }
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        resume();
        server.close();
        sockets.forEach(StallingProxy::closeQuietly);
    }
}
