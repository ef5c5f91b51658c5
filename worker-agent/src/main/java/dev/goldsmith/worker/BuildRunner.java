package dev.goldsmith.worker;

import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.BuildSpec;
import dev.goldsmith.api.CheckResult;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.InstalledPackage;
import dev.goldsmith.api.Lease;
import dev.goldsmith.worker.media.MediaCache;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.protocol.ProtocolException;
import dev.goldsmith.worker.protocol.Retry;
import dev.goldsmith.worker.ssh.BuildKey;
import dev.goldsmith.worker.stages.ArtifactUploader;
import dev.goldsmith.worker.stages.BootEnvironmentCycle;
import dev.goldsmith.worker.stages.BootedGuest;
import dev.goldsmith.worker.stages.BuildContext;
import dev.goldsmith.worker.stages.ExportStage;
import dev.goldsmith.worker.stages.FileManifestCollector;
import dev.goldsmith.worker.stages.InstallStage;
import dev.goldsmith.worker.stages.SealStage;
import dev.goldsmith.worker.stages.SealedClones;
import dev.goldsmith.worker.stages.SmokeSuites;
import dev.goldsmith.worker.stages.StageFailure;
import dev.goldsmith.worker.stages.TestStage;
import dev.goldsmith.worker.vm.Accel;
import dev.goldsmith.worker.vm.Firmware;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed build through INSTALL → TEST → SEAL → EXPORT → STORE (a medium job through
 * {@link MediumPipeline}), reporting each stage, and completes the lease: success with every artifact stored, failure with code and retryability, or CANCELLED.
 */
public class BuildRunner {

    private static final Logger log = LoggerFactory.getLogger(BuildRunner.class);
    private static final Duration GUEST_BOOT_DEADLINE = Duration.ofMinutes(10);

    private final WorkerSettings settings;
    private final ControlPlane controlPlane;
    private final Accel accel;
    private final Firmware firmware;
    private final Duration heartbeatInterval;
    private final Duration leaseTtl;
    private final MediaCache media;
    private final StageReports reports;
    private final MediumPipeline mediumJobs;

    public BuildRunner(WorkerSettings settings, ControlPlane controlPlane, Accel accel, Firmware firmware,
            Duration heartbeatInterval, Duration leaseTtl, MediaCache media) {
        this.leaseTtl = leaseTtl;
        this.settings = settings;
        this.controlPlane = controlPlane;
        this.accel = accel;
        this.firmware = firmware;
        this.heartbeatInterval = heartbeatInterval;
        this.media = media;
        this.reports = new StageReports(controlPlane, leaseTtl);
        this.mediumJobs = new MediumPipeline(settings.recipesDir(), controlPlane, leaseTtl, reports);
    }

    /**
     * Runs the build and completes its lease. With {@code claimNext}, the completion also claims this slot's next
     * build, which is returned (empty when none was queued, or the completion did not go through).
     */
    public Optional<Lease> run(Lease lease, boolean claimNext) {
        var spec = lease.build();
        Path dir = settings.workDir().resolve("builds").resolve(spec.buildId() + "-a" + spec.attempt());
        StopSignal stop = new StopSignal();
        String given = spec.answers().get("KLDLOAD_PASSWORD");
        String password = given != null ? given : InstallStage.randomPassword();
        try (BuildLog buildLog = new BuildLog(controlPlane, lease.leaseId(), masked(spec, password));
                LeaseKeeper ignored = new LeaseKeeper(controlPlane, lease.leaseId(), heartbeatInterval, leaseTtl,
                        stop)) {
            Files.createDirectories(dir);
            buildLog.step("build " + spec.buildId() + " attempt " + spec.attempt() + " on worker " + settings.name()
                    + " (accel=" + accel.name() + ": " + accel.reason() + ")");
            if (BuildSpec.MEDIUM.equals(spec.kind())) {
                var context = new BuildContext(spec, lease.leaseId(), dir, null, buildLog, stop, null, accel, firmware,
                        settings.vmMemoryMb(), controlPlane, password);
                return complete(lease, stop, buildLog, new Outcome(mediumJobs.run(context)), claimNext);
            }
            if (spec.installerMedium() == null) {
                return tryComplete(lease, failure("WORKER_ERROR", null, "installer '" + spec.installer()
                        + "' is not a registered medium", false, List.of()), claimNext);
            }
            try (MediaCache.Use medium = media.acquire(spec.installerMedium(), buildLog::step)) {
                var context = new BuildContext(spec, lease.leaseId(), dir, medium.file(), buildLog, stop,
                        BuildKey.generate("goldsmith-build-" + spec.buildId()), accel, firmware,
                        settings.vmMemoryMb(), controlPlane, password);
                return complete(lease, stop, buildLog, pipeline(context), claimNext);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.error("build {} could not be run", spec.buildId(), e);
            return tryComplete(lease, failure("WORKER_ERROR", null, String.valueOf(e.getMessage()), true,
                    List.of()), claimNext);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** What the build's log masks: every secret answer, and the password the seed carries (made up or not). */
    static List<String> masked(BuildSpec spec, String password) {
        List<String> secrets = new ArrayList<>(spec.secretKeys().stream().map(spec.answers()::get)
                .filter(v -> v != null).toList());
        secrets.add(password);
        return secrets;
    }

    /** The outcome of the stages: a completion to send, or none when the lease is gone. */
    private record Outcome(CompleteRequest request) {
    }

    private Outcome pipeline(BuildContext build) {
        String stage = "INSTALL";
        List<CheckResult> checks = new ArrayList<>();
        try {
            reports.report(build, stage, "RUNNING", null);
            var medium = build.spec().installerMedium();
            new InstallStage(medium.diskSize() != null ? medium.diskSize() : settings.targetDiskSize(),
                    installDeadline(build), medium.successLine(), medium.failureLines()).run(build);
            reports.report(build, stage, "SUCCEEDED", null);

            stage = "TEST";
            reports.report(build, stage, "RUNNING", null);
            TestStage test = new TestStage(GUEST_BOOT_DEADLINE);
            boolean golden = SmokeSuites.provesBootEnvironmentsAndSealing(build.spec().tests());
            List<InstalledPackage> packages;
            FileManifestCollector.Collected manifest;
            SealedClones.Identity beforeSeal;
            try (BootedGuest guest = test.boot(build)) {
                checks.addAll(test.run(build, guest));
                if (golden && checks.stream().allMatch(CheckResult::passed)) {
                    checks.addAll(new BootEnvironmentCycle(GUEST_BOOT_DEADLINE).run(build, guest));
                }
                packages = test.inventory(build, guest);
                manifest = manifest(build, guest);
                long failed = checks.stream().filter(c -> !c.passed()).count();
                if (failed > 0) {
                    throw new StageFailure("TEST_FAILED", failed + " of " + checks.size() + " checks failed: "
                            + checks.stream().filter(c -> !c.passed()).map(CheckResult::name).toList(), false);
                }
                reports.report(build, stage, "SUCCEEDED", checks.size() + " checks passed");
                beforeSeal = golden ? SealedClones.Identity.of(guest) : null;

                stage = "SEAL";
                reports.report(build, stage, "RUNNING", null);
                new SealStage(Duration.ofMinutes(3)).run(build, guest);
                reports.report(build, stage, "SUCCEEDED", null);
            }

            stage = "EXPORT";
            reports.report(build, stage, "RUNNING", null);
            Map<String, Path> files = new ExportStage().run(build);
            if (golden) {
                proveSealing(build, files, beforeSeal, checks);
            }
            reports.report(build, stage, "SUCCEEDED", String.join(", ", files.keySet()));

            stage = "STORE";
            reports.report(build, stage, "RUNNING", null);
            List<ArtifactView> artifacts = new ArrayList<>();
            ArtifactUploader uploader = new ArtifactUploader(controlPlane, leaseTtl);
            for (var file : files.entrySet()) {
                build.stop().check();
                var uploaded = uploader.upload(build.lease(), file.getKey(), file.getValue());
                double seconds = Math.max(uploaded.transfer().toMillis(), 1) / 1000.0;
                build.log().step("stored " + file.getValue().getFileName() + " sha256 " + uploaded.sha256() + " ("
                        + uploaded.size() + " bytes; hashed and sent at "
                        + String.format("%.1f", uploaded.size() / 1e6 / seconds) + " MB/s; verified by the control "
                        + "plane in " + uploaded.verification().toMillis() + " ms)");
                artifacts.add(uploaded.artifact());
            }
            if (manifest != null) {
                build.stop().check();
                var stored = uploader.upload(build.lease(), "manifest", manifest.file());
                build.log().step("stored the file manifest sha256 " + stored.sha256() + " (" + stored.size()
                        + " bytes)");
                artifacts.add(stored.artifact());
            }
            reports.report(build, stage, "SUCCEEDED", artifacts.size() + " artifacts stored and verified");
            return new Outcome(new CompleteRequest("SUCCEEDED", null, null, null, null, artifacts, checks, packages));
        } catch (StopSignal.StoppedException stopped) {
            build.log().step("stopped during " + stage + ": " + stopped.getMessage());
            return stopped.reason() == StopSignal.Reason.CANCELLED
                    ? new Outcome(new CompleteRequest("CANCELLED", null, stage, stopped.getMessage(), false, null,
                            checks, null))
                    : new Outcome(null);
        } catch (StageFailure failure) {
            build.log().step(stage + " failed: " + failure.getMessage());
            reports.reportQuietly(build, stage, "FAILED", failure.getMessage());
            return new Outcome(failure(failure.code(), stage, failure.getMessage(), failure.retryable(), checks));
        } catch (IOException | RuntimeException e) {
            build.log().step(stage + " failed: " + e);
            reports.reportQuietly(build, stage, "FAILED", e.getMessage());
            return new Outcome(failure(stage.equals("STORE") ? "UPLOAD_FAILED" : stage + "_ERROR", stage,
                    String.valueOf(e.getMessage()), true, checks));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null);
        }
    }

    /**
     * The booted image's file manifest, or null (said in the log) when the guest could not give one: the image
     * is still whole, its diff then says nothing of files.
     */
    private static FileManifestCollector.Collected manifest(BuildContext build, BootedGuest guest) {
        try {
            var collected = new FileManifestCollector().collect(build, guest);
            build.log().step("file manifest: " + collected.files() + " files, " + collected.bytes()
                    + " bytes in regular files, read in " + collected.took().toMillis() + " ms");
            return collected;
        } catch (IOException e) {
            build.log().step("no file manifest: " + e.getMessage());
            return null;
        }
    }

    /** Boots the exported qcow2 (else the sealed disk) as two clones; their checks join the build's. */
    private static void proveSealing(BuildContext build, Map<String, Path> files, SealedClones.Identity beforeSeal,
            List<CheckResult> checks) throws IOException, StageFailure, StopSignal.StoppedException,
            InterruptedException {
        List<CheckResult> proof = new SealedClones(GUEST_BOOT_DEADLINE).prove(build,
                files.getOrDefault("qcow2", build.testOverlay()), beforeSeal);
        checks.addAll(proof);
        List<String> failed = proof.stream().filter(c -> !c.passed()).map(CheckResult::name).toList();
        if (!failed.isEmpty()) {
            throw new StageFailure("SEAL_NOT_PROVEN", "sealed clones failed " + failed, false);
        }
    }

    /** The medium's install deadline, within the build's timeout. */
    private Duration installDeadline(BuildContext build) {
        Duration timeout = build.spec().timeout();
        Duration medium = build.spec().installerMedium().installDeadline();
        return timeout.compareTo(medium) < 0 ? timeout : medium;
    }

    private static CompleteRequest failure(String code, String stage, String reason, boolean retryable,
            List<CheckResult> checks) {
        return new CompleteRequest("FAILED", code, stage, reason, retryable, null, checks, null);
    }

    private Optional<Lease> complete(Lease lease, StopSignal stop, BuildLog buildLog, Outcome outcome,
            boolean claimNext) {
        if (outcome.request() == null || stop.reason() == StopSignal.Reason.LEASE_LOST) {
            log.warn("build {}: lease lost, dropping the build without completing it", lease.build().buildId());
            return Optional.empty();
        }
        CompleteRequest request = outcome.request();
        if (stop.reason() == StopSignal.Reason.CANCELLED && !request.outcome().equals("CANCELLED")) {
            request = new CompleteRequest("CANCELLED", null, null, stop.detail(), false, null, request.checks(), null);
        }
        buildLog.step("completing: " + request.outcome() + (request.code() != null ? " " + request.code() : ""));
        buildLog.close();
        return tryComplete(lease, request, claimNext);
    }

    private Optional<Lease> tryComplete(Lease lease, CompleteRequest request, boolean claimNext) {
        try {
            var reply = Retry.untilAnswered("completion of build " + lease.build().buildId(),
                    () -> controlPlane.complete(lease.leaseId(), request, claimNext ? Duration.ZERO : null),
                    leaseTtl, () -> false);
            log.info("build {} attempt {} completed: {}", lease.build().buildId(), lease.build().attempt(),
                    reply.status());
            return Optional.ofNullable(reply.next());
        } catch (ProtocolException e) {
            log.warn("build {}: completion refused: {}", lease.build().buildId(), e.getMessage());
        } catch (IOException e) {
            log.warn("build {}: completion failed, the lease will expire: {}", lease.build().buildId(),
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }
}
