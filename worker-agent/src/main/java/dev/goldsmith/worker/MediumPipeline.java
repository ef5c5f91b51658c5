package dev.goldsmith.worker;

import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.api.CompleteRequest;
import dev.goldsmith.api.MediumResult;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.recipes.PackageLocks;
import dev.goldsmith.worker.recipes.Recipe;
import dev.goldsmith.worker.stages.ArtifactUploader;
import dev.goldsmith.worker.stages.BuildContext;
import dev.goldsmith.worker.stages.StageFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A medium job: the farm refreshing one of its own reference media. RESOLVE asks the recipe what the archive
 * offers now; when that is the package set of the current medium the job ends {@code UNCHANGED} and nothing is
 * built. Otherwise BUILD builds the medium from exactly the resolved set and STORE uploads what the job was asked
 * to store (the medium, and a darksite's tar and lock), verified by the control plane like any image file.
 */
final class MediumPipeline {

    private final Path recipesDir;
    private final ControlPlane controlPlane;
    private final Duration leaseTtl;
    private final StageReports reports;

    MediumPipeline(Path recipesDir, ControlPlane controlPlane, Duration leaseTtl, StageReports reports) {
        this.recipesDir = recipesDir;
        this.controlPlane = controlPlane;
        this.leaseTtl = leaseTtl;
        this.reports = reports;
    }

    /** The completion to send, or null when the lease is gone. */
    CompleteRequest run(BuildContext build) {
        String stage = "RESOLVE";
        Instant deadline = Instant.now().plus(build.spec().timeout());
        try {
            reports.report(build, stage, "RUNNING", null);
            if (recipesDir == null) {
                throw new StageFailure("WORKER_ERROR", "this worker builds no media (GOLDSMITH_RECIPES_DIR is unset)",
                        false);
            }
            Recipe recipe = Recipe.in(recipesDir, build.spec().medium().recipe());
            Path resolveDir = Files.createDirectories(build.dir().resolve("resolve"));
            String lock = recipe.resolve(resolveDir, remaining(deadline), build.log()::append, build.stop());
            int packages = PackageLocks.packages(lock).size();
            if (PackageLocks.same(lock, build.spec().medium().currentLock())) {
                reports.report(build, stage, "SUCCEEDED", packages + " packages, as in the current medium");
                build.log().step("the archive offers the current medium's package set: nothing to build");
                return success(List.of(), "UNCHANGED", lock);
            }
            reports.report(build, stage, "SUCCEEDED", packages + " packages"
                    + (build.spec().medium().currentLock() == null ? " (the current medium's are not known)"
                            : ", not those of the current medium"));

            stage = "BUILD";
            reports.report(build, stage, "RUNNING", null);
            Path lockFile = build.dir().resolve(Recipe.RESOLVED_LOCK);
            Files.writeString(lockFile, lock, StandardCharsets.UTF_8);
            Path out = Files.createDirectories(build.dir().resolve("medium"));
            Path medium = recipe.build(out, lockFile, remaining(deadline), build.log()::append, build.stop());
            reports.report(build, stage, "SUCCEEDED", medium.getFileName() + " (" + Files.size(medium) + " bytes)");

            stage = "STORE";
            reports.report(build, stage, "RUNNING", null);
            List<ArtifactView> artifacts = store(build, outputs(build, out, medium));
            reports.report(build, stage, "SUCCEEDED", artifacts.size() + " files stored and verified");
            return success(artifacts, "BUILT", lock);
        } catch (StopSignal.StoppedException stopped) {
            build.log().step("stopped during " + stage + ": " + stopped.getMessage());
            return stopped.reason() == StopSignal.Reason.CANCELLED
                    ? new CompleteRequest("CANCELLED", null, stage, stopped.getMessage(), false, null, List.of(), null)
                    : null;
        } catch (StageFailure failure) {
            build.log().step(stage + " failed: " + failure.getMessage());
            reports.reportQuietly(build, stage, "FAILED", failure.getMessage());
            return new CompleteRequest("FAILED", failure.code(), stage, failure.getMessage(), failure.retryable(),
                    null, List.of(), null);
        } catch (IOException | RuntimeException e) {
            build.log().step(stage + " failed: " + e);
            reports.reportQuietly(build, stage, "FAILED", e.getMessage());
            return new CompleteRequest("FAILED", stage.equals("STORE") ? "UPLOAD_FAILED" : "WORKER_ERROR", stage,
                    String.valueOf(e.getMessage()), true, null, List.of(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static CompleteRequest success(List<ArtifactView> artifacts, String result, String lock) {
        return new CompleteRequest("SUCCEEDED", null, null, null, null, artifacts, List.of(), null,
                new MediumResult(result, lock));
    }

    /** The file of each format the job stores, by format, as the recipe wrote them into {@code out}. */
    private static Map<String, Path> outputs(BuildContext build, Path out, Path medium) throws IOException,
            StageFailure {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String format : build.spec().formats()) {
            Path file = switch (format) {
                case "medium" -> medium;
                case "darksite-lock" -> out.resolve("darksite.lock");
                case "darksite" -> out.resolve("darksite-" + darksiteHex(out) + ".tar");
                default -> throw new StageFailure("WORKER_ERROR", "a medium job cannot store '" + format + "'", false);
            };
            if (!Files.isRegularFile(file)) {
                throw new StageFailure("MEDIUM_BUILD_FAILED", "the recipe wrote no " + file.getFileName(), false);
            }
            files.put(format, file);
        }
        return files;
    }

    private static String darksiteHex(Path out) throws IOException {
        String digest = Files.readString(out.resolve("darksite.digest"), StandardCharsets.US_ASCII).strip();
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("darksite.digest does not hold a digest");
        }
        return digest.substring("sha256:".length());
    }

    /** Uploads each file under the name the control plane expects ({@code <image name>.<format>}). */
    private List<ArtifactView> store(BuildContext build, Map<String, Path> files) throws IOException,
            InterruptedException, StopSignal.StoppedException {
        Path upload = Files.createDirectories(build.dir().resolve("upload"));
        ArtifactUploader uploader = new ArtifactUploader(controlPlane, leaseTtl);
        List<ArtifactView> artifacts = new ArrayList<>();
        for (var file : files.entrySet()) {
            build.stop().check();
            Path named = upload.resolve(build.spec().imageName() + "." + file.getKey());
            Files.createLink(named, file.getValue());
            var uploaded = uploader.upload(build.lease(), file.getKey(), named);
            build.log().step("stored " + file.getValue().getFileName() + " as " + named.getFileName() + " sha256 "
                    + uploaded.sha256() + " (" + uploaded.size() + " bytes)");
            artifacts.add(uploaded.artifact());
        }
        return artifacts;
    }

    private static Duration remaining(Instant deadline) throws StageFailure {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new StageFailure("TIMEOUT", "the medium job ran out of time", false);
        }
        return left;
    }
}
