package dev.goldsmith.api;

import java.time.Duration;
import java.util.UUID;

/** The worker's identity, and how often the control plane expects heartbeats. */
public record WorkerRegistered(UUID workerId, Duration heartbeatInterval, Duration leaseTtl) {
}
