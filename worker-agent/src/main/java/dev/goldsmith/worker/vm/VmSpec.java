package dev.goldsmith.worker.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One VM, turned into qemu's argument list. Every value here is the farm's own (paths it made, ports it
 * picked, enumerations); nothing from a build request. A UEFI VM boots OVMF from pflash with its own copy of the
 * variable store; a BIOS VM boots QEMU's SeaBIOS (no pflash).
 */
public record VmSpec(
        String name,
        Accel accel,
        int memoryMb,
        int cpus,
        Firmware firmware,
        Path varsFile,
        List<Disk> disks,
        Integer sshForwardPort,
        Path qmpSocket,
        Path pidFile,
        boolean noReboot,
        boolean uefi) {

    /** Builds a VM for one role of a build (install, test), in that build's directory. */
    public static final class Builder {
        private final String name;
        private final Accel accel;
        private final int memoryMb;
        private final Firmware firmware;
        private final Path varsFile;
        private final Path qmpSocket;
        private final Path pidFile;
        private final List<Disk> disks = new ArrayList<>();
        private Integer sshPort;
        private boolean noReboot;
        private boolean uefi = true;

        public Builder(String name, Accel accel, int memoryMb, Firmware firmware, Path varsFile, Path qmpSocket,
                Path pidFile) {
            this.name = name;
            this.accel = accel;
            this.memoryMb = memoryMb;
            this.firmware = firmware;
            this.varsFile = varsFile;
            this.qmpSocket = qmpSocket;
            this.pidFile = pidFile;
        }

        public Builder disk(Disk disk) {
            disks.add(disk);
            return this;
        }

        public Builder sshOn(int port) {
            this.sshPort = port;
            return this;
        }

        public Builder noReboot() {
            this.noReboot = true;
            return this;
        }

        /** Boots SeaBIOS instead of OVMF, for media and systems that boot the legacy way. */
        public Builder bios() {
            this.uefi = false;
            return this;
        }

        public VmSpec build() {
            return new VmSpec(name, accel, memoryMb, 2, firmware, varsFile, List.copyOf(disks), sshPort, qmpSocket,
                    pidFile, noReboot, uefi);
        }
    }

    public List<String> command() {
        List<String> args = new ArrayList<>(List.of("qemu-system-x86_64",
                "-name", name,
                "-accel", accel.name(),
                "-machine", "q35",
                "-cpu", accel.kvm() ? "host" : "max",
                "-m", Integer.toString(memoryMb),
                "-smp", Integer.toString(cpus),
                "-nodefaults", "-no-user-config",
                "-display", "none",
                "-monitor", "none",
                "-serial", "stdio",
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off",
                "-pidfile", pidFile.toString()));
        if (uefi) {
            args.addAll(List.of(
                    "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + firmware.code(),
                    "-drive", "if=pflash,format=raw,unit=1,file=" + varsFile));
        }
        // Without an entropy source the guest stalls on getrandom (key generation, uuids).
        args.addAll(List.of("-device", "virtio-rng-pci"));
        for (Disk disk : disks) {
            String drive = "if=none,id=" + disk.id() + ",file=" + disk.file() + ",format=" + disk.format()
                    + (disk.readOnly() ? ",readonly=on" : "") + (disk.cdrom() ? ",media=cdrom" : "");
            args.add("-drive");
            args.add(drive);
            String device = (disk.cdrom() ? "ide-cd" : "virtio-blk-pci") + ",drive=" + disk.id()
                    + (disk.bootIndex() != null ? ",bootindex=" + disk.bootIndex() : "");
            args.add("-device");
            args.add(device);
        }
        if (sshForwardPort != null) {
            // restrict=on: the guest runs code the farm did not write. It may not open a connection to anything
            // (not the host at 10.0.2.2, not beyond); only the host->guest SSH forward stays. DHCP still gives
            // an address, but no router and no nameserver.
            args.addAll(List.of("-netdev", "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:" + sshForwardPort
                            + "-:22",
                    // romfile= keeps OVMF from trying to network-boot the NIC.
                    "-device", "virtio-net-pci,netdev=net0,romfile="));
        } else {
            args.addAll(List.of("-nic", "none"));
        }
        if (noReboot) {
            args.add("-no-reboot");
        }
        return args;
    }
}
