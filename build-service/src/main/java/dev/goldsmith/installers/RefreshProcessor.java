package dev.goldsmith.installers;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.InstallerView;
import dev.goldsmith.api.MediumRef;
import dev.goldsmith.api.PackageChanges;
import dev.goldsmith.artifacts.StoredArtifact;
import dev.goldsmith.artifacts.StoredArtifacts;
import dev.goldsmith.installers.persistence.RefreshRecords;
import dev.goldsmith.installers.persistence.RefreshRecords.Progress;
import dev.goldsmith.problems.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Turns the end of a refresh's medium job into the refresh's end, on whichever replica takes it first: a job
 * that failed fails the refresh (nothing changes); one that found the package set unchanged ends it
 * {@code UNCHANGED}; one that built a new medium has it copied out of the store, checked and registered like
 * any reference medium (content-addressed, its darksite stored by digest), then the refresh is
 * {@code REFRESHED} with what changed, and {@link InstallerRefreshed} is published.
 */
@Component
class RefreshProcessor {

    private static final Logger log = LoggerFactory.getLogger(RefreshProcessor.class);
    private static final int PER_PASS = 8;
    private static final Duration STORE_DOWN_BACKOFF = Duration.ofSeconds(30);

    private final RefreshRecords refreshes;
    private final StoredArtifacts artifacts;
    private final ReferenceInstallers reference;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Duration lease;

    RefreshProcessor(RefreshRecords refreshes, StoredArtifacts artifacts, ReferenceInstallers reference,
            ApplicationEventPublisher events, MeterRegistry meters, GoldsmithProperties properties) {
        this.refreshes = refreshes;
        this.artifacts = artifacts;
        this.reference = reference;
        this.events = events;
        this.meters = meters;
        this.lease = properties.refresh().registrationLease();
    }

    @Scheduled(fixedDelayString = "${goldsmith.refresh.poll-interval:1s}", initialDelayString = "1s")
    void processEnded() {
        try {
            for (int i = 0; i < PER_PASS; i++) {
                Optional<Progress> next = refreshes.takeNext(lease);
                if (next.isEmpty()) {
                    return;
                }
                process(next.get());
            }
        } catch (RuntimeException e) {
            log.warn("Refresh processing failed, trying again on the next pass: {}", e.toString());
        }
    }

    private void process(Progress refresh) {
        switch (refresh.jobStatus()) {
            case "RUNNING" -> refreshes.markRunning(refresh.id());
            case "SUCCEEDED" -> succeeded(refresh);
            default -> end(refresh, "FAILED", null, null, "the medium job " + refresh.jobId() + " ended "
                    + refresh.jobStatus() + (refresh.failureCode() == null ? "" : " " + refresh.failureCode())
                    + (refresh.failureReason() == null ? "" : ": " + refresh.failureReason()));
        }
    }

    private void succeeded(Progress refresh) {
        PackageChanges changes = PackageSets.changes(PackageSets.versions(previousLock(refresh)),
                PackageSets.versions(refresh.mediumLock()));
        if (!"BUILT".equals(refresh.mediumResult())) {
            end(refresh, "UNCHANGED", refresh.previous(), changes, null);
            return;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("goldsmith-refresh-");
            Path medium = copyOutputs(refresh, dir);
            var descriptor = ReferenceInstallers.descriptor(refresh.installer()).orElseThrow();
            InstallerView registered = reference.register(descriptor, "img", medium, "refresh:" + refresh.id());
            MediumRef current = new MediumRef(registered.sha256(), registered.darksite());
            boolean same = refresh.previous() != null && refresh.previous().sha256().equals(current.sha256());
            end(refresh, same ? "UNCHANGED" : "REFRESHED", current, changes, null);
            if (!same) {
                events.publishEvent(new InstallerRefreshed(refresh.id(), refresh.installer(),
                        refresh.previous() == null ? null : refresh.previous().sha256(), current.sha256()));
            }
        } catch (ApiException e) {
            if (e.status() != HttpStatus.SERVICE_UNAVAILABLE) {
                throw e;
            }
            // The store is down: the job's outputs are still there, so a later pass tries again.
            log.warn("Refresh {} of {}: the object store did not answer ({}); trying again in {}", refresh.id(),
                    refresh.installer(), e.getMessage(), STORE_DOWN_BACKOFF);
            refreshes.release(refresh.id(), STORE_DOWN_BACKOFF);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            end(refresh, "FAILED", null, changes, "the medium built by job " + refresh.jobId()
                    + " was not registered: " + e.getMessage());
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Copies the job's verified outputs into {@code dir} as the recipe wrote them: {@code <name>.img}, its
     * {@code resolved.lock} and, for a medium with a darksite, {@code darksite.lock}, {@code darksite.digest}
     * and {@code darksite-<hex>.tar}. Answers the medium's file.
     */
    private Path copyOutputs(Progress refresh, Path dir) throws IOException {
        Map<String, StoredArtifact> stored = artifacts.ofBuild(refresh.jobId()).stream()
                .collect(Collectors.toMap(StoredArtifact::format, Function.identity()));
        Path medium = dir.resolve(refresh.installer() + ".img");
        artifacts.copyTo(required(stored, "medium"), medium);
        Files.writeString(dir.resolve(ReferenceInstallers.RESOLVED_LOCK), refresh.mediumLock(),
                StandardCharsets.UTF_8);
        if (ReferenceInstallers.WITH_DARKSITE.contains(refresh.installer())) {
            Path lock = dir.resolve(Darksites.LOCK_FILE);
            artifacts.copyTo(required(stored, "darksite-lock"), lock);
            String digest = DarksiteLock.parse(Files.readAllBytes(lock)).digest();
            Files.writeString(dir.resolve(Darksites.DIGEST_FILE), digest + "\n", StandardCharsets.US_ASCII);
            artifacts.copyTo(required(stored, "darksite"),
                    dir.resolve("darksite-" + digest.substring(DarksiteLock.DIGEST_PREFIX.length()) + ".tar"));
        }
        return medium;
    }

    private static StoredArtifact required(Map<String, StoredArtifact> stored, String format) {
        StoredArtifact artifact = stored.get(format);
        if (artifact == null) {
            throw new IllegalStateException("the job stored no " + format);
        }
        return artifact;
    }

    /** The package set of the medium the refresh replaces; unknown (nothing, as far as a diff goes) if none. */
    private String previousLock(Progress refresh) {
        return refresh.previous() == null ? "" : refreshes.lock(refresh.previous().sha256()).orElse("");
    }

    private void end(Progress refresh, String status, MediumRef current, PackageChanges changes, String failure) {
        if (refreshes.finish(refresh.id(), status, current, changes, failure)) {
            meters.counter("goldsmith.refreshes", "installer", refresh.installer(), "outcome", status).increment();
            log.info("Refresh {} of {} ended {}{}", refresh.id(), refresh.installer(), status,
                    failure == null ? "" : ": " + failure);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not remove {}: {}", dir, e.getMessage());
        }
    }
}
