package dev.goldsmith.worker.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** OVMF, the UEFI firmware every VM boots: a read-only code image and a per-VM copy of the variable store. */
public record Firmware(Path code, Path varsTemplate) {

    private static final List<Path[]> KNOWN = List.of(
            new Path[] {Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"), Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd")},
            new Path[] {Path.of("/usr/share/OVMF/OVMF_CODE.fd"), Path.of("/usr/share/OVMF/OVMF_VARS.fd")});

    public static Firmware find() {
        for (Path[] pair : KNOWN) {
            if (Files.isReadable(pair[0]) && Files.isReadable(pair[1])) {
                return new Firmware(pair[0], pair[1]);
            }
        }
        throw new IllegalStateException("OVMF not found: install Debian's ovmf package");
    }
}
