package dev.goldsmith.worker.vm;

import java.nio.file.Path;

/** A drive given to a VM. {@code bootIndex} 0 is what OVMF boots; {@code cdrom} attaches an ISO as a CD. */
public record Disk(String id, Path file, String format, boolean readOnly, Integer bootIndex, boolean cdrom) {

    public static Disk virtio(String id, Path file, String format) {
        return new Disk(id, file, format, false, null, false);
    }

    public Disk bootable() {
        return new Disk(id, file, format, readOnly, 0, cdrom);
    }

    public static Disk installerMedium(Path file) {
        boolean iso = file.getFileName().toString().endsWith(".iso");
        return new Disk("installer", file, "raw", true, 0, iso);
    }
}
