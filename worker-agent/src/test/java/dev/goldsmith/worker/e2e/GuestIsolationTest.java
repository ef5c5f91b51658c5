package dev.goldsmith.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.api.BuildSpec;
import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.InstallerMedium;
import dev.goldsmith.api.Source;
import dev.goldsmith.worker.BuildLog;
import dev.goldsmith.worker.StopSignal;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.ssh.BuildKey;
import dev.goldsmith.worker.stages.BootedGuest;
import dev.goldsmith.worker.stages.BuildContext;
import dev.goldsmith.worker.stages.InstallStage;
import dev.goldsmith.worker.stages.TestStage;
import dev.goldsmith.worker.vm.Accel;
import dev.goldsmith.worker.vm.Firmware;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A build VM reaches nothing: a reference-tiny system installed and booted exactly as TEST boots it tries to
 * open connections to listeners on the worker host, on its loopback (QEMU's 10.0.2.2) and on its outside
 * address, and must fail both while the farm's SSH forward into the guest keeps working. The same boot shows
 * that the suite's root-login check refuses an image that lets root in.
 */
@Tag("vm")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestIsolationTest {

    private static final Duration PROBE_WAIT = Duration.ofSeconds(5);

    private Path dir;
    private BuildLog log;
    private BuildContext build;
    private BootedGuest guest;

    @BeforeAll
    void installAndBootTheTinySystem() throws Exception {
        dir = Files.createTempDirectory("goldsmith-isolation-");
        Path medium = ReferenceTiny.mediumDir().resolve("reference-tiny.img");
        var installer = new InstallerMedium("reference-tiny", "0".repeat(64), Files.size(medium), "img", null, "UEFI",
                "Install completed successfully", List.of("Install failed:", "REFUSING:"), Duration.ofMinutes(4),
                "512M", null);
        var spec = new BuildSpec(UUID.randomUUID(), 1, "debian", "core", "reference-tiny", installer,
                Map.of("KLDLOAD_HOSTNAME", "isolated", "KLDLOAD_USERNAME", "admin",
                        "KLDLOAD_PASSWORD", "isolation-Pa55"),
                List.of("KLDLOAD_PASSWORD"), List.of("qcow2"), new Source("test", "abcdef0"), "tiny",
                "golden-debian-core-isolation", Duration.ofMinutes(30));
        // Nothing listens there: the log's chunks are dropped, its lines still reach the test's output.
        ControlPlane nowhere = new ControlPlane(java.net.URI.create("http://127.0.0.1:9"), "unused");
        log = new BuildLog(nowhere, UUID.randomUUID(), List.of("isolation-Pa55"));
        build = new BuildContext(spec, UUID.randomUUID(), dir, medium, log, new StopSignal(),
                BuildKey.generate("isolation-test"), new Accel("tcg", "test"), Firmware.find(), 512, nowhere,
                "isolation-Pa55");
        new InstallStage("512M", Duration.ofMinutes(4), installer.successLine(), installer.failureLines()).run(build);
        guest = new TestStage(Duration.ofMinutes(5)).boot(build);
    }

    @AfterAll
    void stop() throws IOException {
        if (guest != null) {
            guest.close();
        }
        if (log != null) {
            log.close();
        }
        if (dir != null) {
            Farm.deleteTree(dir);
        }
    }

    @Test
    @Order(1)
    void theGuestCannotConnectToTheWorkerHostsLoopbackNorBeyondWhileSshInWorks() throws Exception {
        try (ServerSocket loopback = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                ServerSocket outside = new ServerSocket(0, 5, InetAddress.getByName("0.0.0.0"))) {
            String hostAddress = outsideAddress();
            String toLoopback = probe("10.0.2.2", loopback.getLocalPort());
            String toOutside = probe(hostAddress, outside.getLocalPort());

            assertThat(toLoopback).as("nc to the host's loopback through 10.0.2.2").doesNotContain("exit=0");
            assertThat(toOutside).as("nc to the host at " + hostAddress).doesNotContain("exit=0");
            assertThat(connectionWaiting(loopback)).as("a connection made to the host's loopback").isNull();
            assertThat(connectionWaiting(outside)).as("a connection made to " + hostAddress).isNull();
        }
        // The farm's way in still works: the session answers and a new login over the forward succeeds.
        assertThat(guest.shell().run("hostname", Duration.ofSeconds(30)).output().strip()).isEqualTo("isolated");
    }

    @Test
    @Order(2)
    void theTinySuitePassesInTheIsolatedVmIncludingItsResolverAndRootChecks() throws Exception {
        Map<String, CheckResult> checks = suite();

        assertThat(checks.values()).allSatisfy(c -> assertThat(c.passed()).as(c.name() + ": " + c.output()).isTrue());
        assertThat(checks).containsKeys("dns-configured", "root-login-refused");
        assertThat(checks.get("root-login-refused").output()).contains("refused with a key authorized for root");
    }

    @Test
    @Order(3)
    void theRootLoginCheckFailsOnceTheSshServerLetsRootIn() throws Exception {
        // The public dropbear refuses root with -w; restart it without, as an image that permits root would be.
        var changed = guest.shell().run("sudo sh -c \"sed -i 's/ -w / /' /etc/init.d/dropbear && "
                + "kill \\$(cat /run/dropbear.pid)\"", Duration.ofSeconds(30));
        assertThat(changed.exitStatus()).as(changed.output()).isZero();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> guest.shell().run("netstat -ltn", Duration.ofSeconds(10)).output().contains(":22 "));

        CheckResult root = suite().get("root-login-refused");

        assertThat(root.passed()).as(root.output()).isFalse();
        assertThat(root.output()).contains("root logged in");
        // The probe put root's keys back as they were: only the system's own sudo key is authorized.
        assertThat(guest.shell().run("sudo cat /root/.ssh/authorized_keys", Duration.ofSeconds(30)).output())
                .doesNotContain("goldsmith-root-login-probe");
    }

    private Map<String, CheckResult> suite() throws Exception {
        return new TestStage(Duration.ofMinutes(5)).run(build, guest).stream()
                .collect(Collectors.toMap(CheckResult::name, Function.identity()));
    }

    private String probe(String address, int port) throws IOException {
        // A connection that got through would wait for an answer that never comes: timeout ends it.
        String command = "echo probe | timeout 5 nc -w 3 " + address + " " + port + " >/dev/null 2>&1; echo exit=$?";
        String output = guest.shell().run(command, Duration.ofSeconds(30)).output();
        log.step("guest probe of " + address + ":" + port + ": " + output.strip());
        return output;
    }

    /**
     * Who connected to {@code server} during the probes, or null: a connection the guest got through completed
     * its handshake and waits in the listen backlog, so it is accepted at once.
     */
    private static String connectionWaiting(ServerSocket server) throws IOException {
        server.setSoTimeout((int) PROBE_WAIT.toMillis());
        try (Socket accepted = server.accept()) {
            return String.valueOf(accepted.getRemoteSocketAddress());
        } catch (SocketTimeoutException nobodyCame) {
            return null;
        }
    }

    /** The address this host uses towards other machines (its default route's source), not loopback. */
    private static String outsideAddress() throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress("192.0.2.1", 9));
            InetAddress local = socket.getLocalAddress();
            assertThat(local).isInstanceOf(Inet4Address.class);
            assertThat(local.isLoopbackAddress() || local.isAnyLocalAddress()).as(local.toString()).isFalse();
            return local.getHostAddress();
        }
    }
}
