package dev.goldsmith.worker.stages;

import dev.goldsmith.api.BuildSpec;
import dev.goldsmith.worker.BuildLog;
import dev.goldsmith.worker.StopSignal;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.ssh.BuildKey;
import dev.goldsmith.worker.vm.Accel;
import dev.goldsmith.worker.vm.Firmware;
import dev.goldsmith.worker.vm.QemuVm;
import dev.goldsmith.worker.vm.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Everything the stages of one build attempt share: its spec, directory, the checked installer medium (a file
 * of the worker's media cache), log, key, stop signal and tools. {@code password} is the one the seed disk
 * carries: the request's, or one the worker made up (and masks in the log like any secret).
 */
public record BuildContext(
        BuildSpec spec,
        UUID lease,
        Path dir,
        Path installerMedium,
        BuildLog log,
        StopSignal stop,
        BuildKey key,
        Accel accel,
        Firmware firmware,
        int vmMemoryMb,
        ControlPlane controlPlane,
        String password) {

    /** Leaves the password out: it is a secret. */
    @Override
    public String toString() {
        return "BuildContext[build=" + spec.buildId() + ", attempt=" + spec.attempt() + ", dir=" + dir + "]";
    }

    public String user() {
        return spec.answers().getOrDefault("KLDLOAD_USERNAME", "admin");
    }

    public String hostname() {
        return spec.answers().getOrDefault("KLDLOAD_HOSTNAME", "kldload");
    }

    public Path installedDisk() {
        return dir.resolve("disk.qcow2");
    }

    public Path testOverlay() {
        return dir.resolve("test.qcow2");
    }

    public Path exportDir() {
        return dir.resolve("export");
    }

    /** A VM of this build; every one boots the way the installer medium does (UEFI, or BIOS). */
    public VmSpec.Builder vm(String role) throws IOException {
        VmSpec.Builder builder = new VmSpec.Builder(spec.buildId().toString().substring(0, 8) + "-" + role, accel,
                vmMemoryMb, firmware, dir.resolve(role + "-vars.fd"), qmpSocket(role), dir.resolve(role + ".pid"));
        return "BIOS".equals(spec.installerMedium().bootMode()) ? builder.bios() : builder;
    }

    /** A UNIX socket path must stay under 108 bytes, so QMP sockets live in a short private directory. */
    private Path qmpSocket(String role) throws IOException {
        Path sockets = Path.of(System.getProperty("java.io.tmpdir"), "goldsmith-qmp");
        if (!Files.isDirectory(sockets)) {
            Files.createDirectories(sockets, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return sockets.resolve(spec.buildId() + "-a" + spec.attempt() + "-" + role + ".qmp");
    }

    /** Starts a VM whose serial console goes into the build log (and to {@code watcher}); a stop kills it. */
    public QemuVm start(VmSpec vmSpec, Consumer<String> watcher) throws IOException {
        log.step("starting VM " + vmSpec.name() + ": " + String.join(" ", vmSpec.command()));
        QemuVm vm = QemuVm.start(vmSpec, line -> {
            log.append("[" + vmSpec.name() + "] " + line);
            watcher.accept(line);
        });
        stop.whenStopped(vm::kill);
        return vm;
    }
}
