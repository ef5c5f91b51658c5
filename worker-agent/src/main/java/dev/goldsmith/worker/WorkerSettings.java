package dev.goldsmith.worker;

import dev.goldsmith.worker.protocol.ControlPlane;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The agent's settings, from the environment (DESIGN §11): {@code GOLDSMITH_URL}, {@code GOLDSMITH_WORKER_TOKEN},
 * {@code GOLDSMITH_WORK_DIR}, {@code GOLDSMITH_SLOTS}, {@code GOLDSMITH_ACCEL} ({@code auto|kvm|tcg}), plus
 * {@code GOLDSMITH_WORKER_NAME}, {@code GOLDSMITH_WORKER_LABELS}, {@code GOLDSMITH_WORKER_CACHE_DIR} and
 * {@code GOLDSMITH_WORKER_CACHE_SIZE} (installer media fetched by digest, least recently used evicted beyond the
 * size), {@code GOLDSMITH_VM_MEMORY_MB}, {@code GOLDSMITH_TARGET_DISK_SIZE} (blank target disk for installers
 * without a size of their own), {@code GOLDSMITH_KVM_PROBE_TIMEOUT}, and the deadlines of calls to the control
 * plane: {@code GOLDSMITH_CALL_TIMEOUT}, {@code GOLDSMITH_CLAIM_MARGIN} (beyond a long-poll's wait),
 * {@code GOLDSMITH_VERIFY_TIMEOUT} (an upload's completion, which reads the image back). {@code GOLDSMITH_RECIPES_DIR}
 * (the {@code installers/} directory of the repository the worker was deployed from) makes it a worker that builds
 * the farm's reference media: it registers with the label {@code goldsmith-media} and runs those recipes only.
 */
public record WorkerSettings(
        URI controlPlane,
        String token,
        Path workDir,
        int slots,
        String accel,
        String name,
        List<String> labels,
        Path cacheDir,
        long cacheSize,
        int vmMemoryMb,
        String targetDiskSize,
        Duration kvmProbeTimeout,
        Duration claimWait,
        ControlPlane.Deadlines deadlines,
        Path recipesDir) {

    /** The label of a worker that builds media; every medium job requires it. */
    public static final String MEDIA_LABEL = "goldsmith-media";

    /** Every setting but the token, which never reaches a log line. */
    @Override
    public String toString() {
        return "WorkerSettings[controlPlane=" + controlPlane + ", token=<hidden>, workDir=" + workDir + ", slots="
                + slots + ", accel=" + accel + ", name=" + name + ", labels=" + labels + ", cacheDir=" + cacheDir
                + ", cacheSize=" + cacheSize + ", vmMemoryMb=" + vmMemoryMb + ", targetDiskSize=" + targetDiskSize
                + ", kvmProbeTimeout=" + kvmProbeTimeout + ", claimWait=" + claimWait + ", deadlines=" + deadlines
                + ", recipesDir=" + recipesDir + "]";
    }

    public static WorkerSettings fromEnvironment(Map<String, String> env) {
        String url = require(env, "GOLDSMITH_URL");
        String token = require(env, "GOLDSMITH_WORKER_TOKEN");
        Path workDir = Path.of(env.getOrDefault("GOLDSMITH_WORK_DIR", "/var/lib/goldsmith-worker"));
        int slots = Integer.parseInt(env.getOrDefault("GOLDSMITH_SLOTS", "1"));
        String accel = env.getOrDefault("GOLDSMITH_ACCEL", "auto");
        if (!List.of("auto", "kvm", "tcg").contains(accel)) {
            throw new IllegalArgumentException("GOLDSMITH_ACCEL must be auto, kvm or tcg");
        }
        if (slots < 1 || slots > 64) {
            throw new IllegalArgumentException("GOLDSMITH_SLOTS must be between 1 and 64");
        }
        String name = env.getOrDefault("GOLDSMITH_WORKER_NAME", hostName());
        List<String> labels = Arrays.stream(env.getOrDefault("GOLDSMITH_WORKER_LABELS", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        Path recipes = recipesDir(env.get("GOLDSMITH_RECIPES_DIR"));
        if (recipes != null && !labels.contains(MEDIA_LABEL)) {
            labels = java.util.stream.Stream.concat(labels.stream(), java.util.stream.Stream.of(MEDIA_LABEL)).toList();
        } else if (recipes == null && labels.contains(MEDIA_LABEL)) {
            throw new IllegalArgumentException("GOLDSMITH_WORKER_LABELS names " + MEDIA_LABEL
                    + ", but GOLDSMITH_RECIPES_DIR is unset: a worker builds media only from the recipes it holds");
        }
        Path cacheDir = Path.of(env.getOrDefault("GOLDSMITH_WORKER_CACHE_DIR", workDir.resolve("cache").toString()));
        if (cacheDir.toString().contains(",")) {
            throw new IllegalArgumentException("GOLDSMITH_WORKER_CACHE_DIR must not contain a comma (qemu drive syntax)");
        }
        long cacheSize = size("GOLDSMITH_WORKER_CACHE_SIZE", env.getOrDefault("GOLDSMITH_WORKER_CACHE_SIZE", "20G"));
        int memory = Integer.parseInt(env.getOrDefault("GOLDSMITH_VM_MEMORY_MB", "1024"));
        String targetSize = env.getOrDefault("GOLDSMITH_TARGET_DISK_SIZE", "8G");
        if (!targetSize.matches("[1-9][0-9]{0,5}[MG]")) {
            throw new IllegalArgumentException("GOLDSMITH_TARGET_DISK_SIZE must be like 512M or 8G");
        }
        Duration probe = duration(env, "GOLDSMITH_KVM_PROBE_TIMEOUT", "PT15S");
        Duration claimWait = duration(env, "GOLDSMITH_CLAIM_WAIT", "PT30S");
        var deadlines = new ControlPlane.Deadlines(duration(env, "GOLDSMITH_CALL_TIMEOUT", "PT30S"),
                duration(env, "GOLDSMITH_CLAIM_MARGIN", "PT10S"), duration(env, "GOLDSMITH_VERIFY_TIMEOUT", "PT30M"));
        return new WorkerSettings(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url), token,
                workDir, slots, accel, name, labels, cacheDir, cacheSize, memory, targetSize, probe, claimWait,
                deadlines, recipes);
    }

    /** The recipes directory: absent, or a directory holding at least one {@code <recipe>/build.sh}. */
    private static Path recipesDir(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Path dir = Path.of(value).toAbsolutePath().normalize();
        boolean hasRecipe;
        try (var entries = java.nio.file.Files.list(dir)) {
            hasRecipe = entries.anyMatch(e -> java.nio.file.Files.isExecutable(e.resolve("build.sh")));
        } catch (java.io.IOException e) {
            hasRecipe = false;
        }
        if (!hasRecipe) {
            throw new IllegalArgumentException("GOLDSMITH_RECIPES_DIR must be a directory of recipes "
                    + "(<name>/build.sh), such as the repository's installers/: " + dir);
        }
        return dir;
    }

    /** An ISO-8601 duration setting that must be positive. */
    private static Duration duration(Map<String, String> env, String key, String fallback) {
        Duration value;
        try {
            value = Duration.parse(env.getOrDefault(key, fallback));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as " + fallback);
        }
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + " must be positive");
        }
        return value;
    }

    /** {@code 512M}, {@code 20G} or {@code 1T} as bytes. */
    private static long size(String key, String value) {
        if (!value.matches("[1-9][0-9]{0,6}[MGT]")) {
            throw new IllegalArgumentException(key + " must be like 512M, 20G or 1T");
        }
        long number = Long.parseLong(value.substring(0, value.length() - 1));
        int shift = switch (value.charAt(value.length() - 1)) {
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 40;
        };
        return number << shift;
    }

    private static String require(Map<String, String> env, String key) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return value;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (java.net.UnknownHostException e) {
            return "worker";
        }
    }
}
