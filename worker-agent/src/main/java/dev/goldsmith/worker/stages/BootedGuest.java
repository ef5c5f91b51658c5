package dev.goldsmith.worker.stages;

import dev.goldsmith.worker.ssh.GuestShell;
import dev.goldsmith.worker.vm.QemuVm;

/**
 * The installed system running from its test overlay, reachable over SSH on a loopback port. A reboot inside the
 * guest keeps the VM and the port; the SSH session is replaced by one to the new boot.
 */
public final class BootedGuest implements AutoCloseable {

    private final QemuVm vm;
    private final int sshPort;
    private GuestShell shell;

    public BootedGuest(QemuVm vm, int sshPort, GuestShell shell) {
        this.vm = vm;
        this.sshPort = sshPort;
        this.shell = shell;
    }

    public QemuVm vm() {
        return vm;
    }

    public int sshPort() {
        return sshPort;
    }

    public GuestShell shell() {
        return shell;
    }

    void reconnected(GuestShell next) {
        shell.close();
        shell = next;
    }

    @Override
    public void close() {
        shell.close();
        vm.close();
    }
}
