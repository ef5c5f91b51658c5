package dev.goldsmith.worker.stages;

import dev.goldsmith.worker.ssh.GuestShell;
import dev.goldsmith.worker.vm.QemuVm;

/** The installed system running from its test overlay, reachable over SSH on a loopback port. */
public record BootedGuest(QemuVm vm, int sshPort, GuestShell shell) implements AutoCloseable {

    @Override
    public void close() {
        shell.close();
        vm.close();
    }
}
