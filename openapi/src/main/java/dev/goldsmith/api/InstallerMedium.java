package dev.goldsmith.api;

import java.time.Duration;
import java.util.List;

/**
 * The installer medium of a claimed build: the worker fetches it from {@code url} (a presigned GET), checks that
 * it hashes to {@code sha256} before it boots it, and ends INSTALL by {@code successLine} and
 * {@code failureLines} on the serial console within {@code installDeadline}. {@code format} is {@code iso}
 * (attached as a CD) or {@code img} (a disk image); {@code bootMode} {@code UEFI} (OVMF) or {@code BIOS}
 * (SeaBIOS); {@code diskSize} the blank target disk, or null for the worker's default; {@code darksite} the
 * {@code sha256:<hex>} digest of the package set the medium installs from (of its lock's package lines), or null.
 */
public record InstallerMedium(
        String name,
        String sha256,
        long size,
        String format,
        String url,
        String bootMode,
        String successLine,
        List<String> failureLines,
        Duration installDeadline,
        String diskSize,
        String darksite) {
}
