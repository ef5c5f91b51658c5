package dev.goldsmith.api;

import java.util.List;

/** {@code POST /api/v1/workers}: a worker agent announces itself and what it can run. */
public record WorkerRegistration(String name, String arch, String accel, String qemuVersion, int slots,
        List<String> labels) {
}
