package dev.goldsmith.queue;

import java.util.List;
import java.util.UUID;

/** What a worker offers; a build is claimable by it when arch, accel and worker labels all fit. */
public record WorkerCapabilities(UUID workerId, String arch, String accel, List<String> labels) {
}
