package dev.goldsmith.worker.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmSpecTest {

    private static final Firmware OVMF = new Firmware(Path.of("/ovmf/CODE.fd"), Path.of("/ovmf/VARS.fd"));

    private static VmSpec.Builder aVm() {
        return new VmSpec.Builder("b1-install", new Accel("tcg", "test"), 1024, OVMF, Path.of("/w/vars.fd"),
                Path.of("/w/q.sock"), Path.of("/w/q.pid"));
    }

    @Test
    void installVmBootsTheMediumUnderOvmfWithoutNetworkOrReboot() {
        List<String> command = aVm()
                .disk(Disk.virtio("target", Path.of("/w/disk.qcow2"), "qcow2"))
                .disk(Disk.installerMedium(Path.of("/m/reference-tiny.img")))
                .disk(Disk.virtio("seed", Path.of("/w/seed.img"), "raw"))
                .noReboot()
                .build().command();

        String line = String.join(" ", command);
        assertThat(command.getFirst()).isEqualTo("qemu-system-x86_64");
        assertThat(line).contains("-accel tcg", "-machine q35", "-serial stdio", "-no-reboot", "-nic none",
                "-device virtio-rng-pci",
                "-drive if=pflash,format=raw,unit=0,readonly=on,file=/ovmf/CODE.fd",
                "-drive if=pflash,format=raw,unit=1,file=/w/vars.fd",
                "-drive if=none,id=installer,file=/m/reference-tiny.img,format=raw,readonly=on",
                "-device virtio-blk-pci,drive=installer,bootindex=0",
                "-device virtio-blk-pci,drive=target -drive", "-qmp unix:/w/q.sock,server=on,wait=off");
    }

    @Test
    void isoMediumIsACdromAndTestVmForwardsSshOnLoopbackOnly() {
        List<String> command = aVm().disk(Disk.installerMedium(Path.of("/m/kldload-free-1.4.0.iso")))
                .sshOn(40022).build().command();

        String line = String.join(" ", command);
        assertThat(line).contains("media=cdrom", "-device ide-cd,drive=installer,bootindex=0",
                "hostfwd=tcp:127.0.0.1:40022-:22", "virtio-net-pci,netdev=net0,romfile=");
        assertThat(line).doesNotContain("-no-reboot");
    }

    @Test
    void biosMediumBootsSeaBiosWithoutOvmfPflash() {
        List<String> command = aVm().bios().disk(Disk.installerMedium(Path.of("/cache/0123abcd.iso"))).noReboot()
                .build().command();

        String line = String.join(" ", command);
        assertThat(line).doesNotContain("pflash", "/ovmf/");
        assertThat(line).contains("-device ide-cd,drive=installer,bootindex=0", "-no-reboot", "-machine q35");
    }
}
