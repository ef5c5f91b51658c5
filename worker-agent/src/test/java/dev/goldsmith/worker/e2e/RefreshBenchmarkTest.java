package dev.goldsmith.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a refresh costs, through a real farm with a worker that builds media: reference-tiny from a medium one
 * package behind the archive (a refresh that builds), then again (nothing new: resolve only); reference-debian-zfs
 * with warm caches, nothing new, and one non-kernel package behind (the darksite and medium are rebuilt, the zfs
 * module is not). Prints its figures (docs/performance.md, "The golden loop").
 */
@Tag("bench")
class RefreshBenchmarkTest {

    private static final String PACKAGE = "zlib1g";

    @Test
    void refreshesOfTheReferenceMedia() throws Exception {
        var tiny = ReferenceTiny.olderMediumDir(PACKAGE);
        onAFarm(tiny.getKey(), farm -> {
            report("reference-tiny refresh, " + PACKAGE + " behind (resolve + build + store + register)",
                    refresh(farm, "reference-tiny", "REFRESHED"));
            report("reference-tiny refresh, nothing new (apt-get update + resolve)",
                    refresh(farm, "reference-tiny", "UNCHANGED"));
            report("reference-tiny refresh, nothing new, again", refresh(farm, "reference-tiny", "UNCHANGED"));
        });

        Path zfs = Path.of("target", "bench-zfs").toAbsolutePath();
        Files.createDirectories(zfs);
        System.out.println("BENCH reference-debian-zfs medium build.sh: " + seconds(ReferenceDebianZfs.build(zfs))
                + " (caches as found)");
        onAFarm(zfs, farm -> report("reference-debian-zfs refresh, nothing new (warm caches)",
                refresh(farm, "reference-debian-zfs", "UNCHANGED")));

        Path behind = zfsMediumWithOlder(zfs, PACKAGE);
        onAFarm(behind, farm -> report("reference-debian-zfs refresh, " + PACKAGE + " behind (warm caches; darksite "
                + "and medium rebuilt, zfs module reused)", refresh(farm, "reference-debian-zfs", "REFRESHED")));
    }

    private interface FarmWork {
        void run(Farm farm) throws Exception;
    }

    private static void onAFarm(Path media, FarmWork work) throws Exception {
        Path dir = Files.createTempDirectory("goldsmith-refresh-bench-");
        Farm farm = null;
        try {
            farm = Farm.start(dir, Map.of("GOLDSMITH_INSTALLER_DIR", media.toString()));
            farm.worker("bench-media", farm.token("farm", "worker"), dir.resolve("work"),
                    Map.of("GOLDSMITH_RECIPES_DIR", Path.of("..", "installers").toAbsolutePath().toString()));
            work.run(farm);
        } finally {
            Farm.stopAndRemove(farm, dir);
        }
    }

    /** Asks for a refresh and waits for its end; answers its view with the wall time from request to end. */
    private static Timed refresh(Farm farm, String installer, String expected) throws Exception {
        long start = System.nanoTime();
        var asked = farm.call("POST", "/api/v1/installers/" + installer + "/refresh?wait=PT0S", Farm.ADMIN, null);
        assertThat(asked.statusCode()).as(asked.body()).isIn(200, 202);
        String path = asked.headers().firstValue("Location").orElseThrow();
        JsonNode ended = await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> farm.get(path, Farm.ADMIN), r -> !List.of("QUEUED", "RUNNING")
                        .contains(r.get("status").asString()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(ended.get("status").asString()).as(ended.toString()).isEqualTo(expected);
        return new Timed(ended, farm.get("/api/v1/builds/" + ended.get("job").asString(), Farm.ADMIN), took);
    }

    private record Timed(JsonNode refresh, JsonNode job, Duration took) {
    }

    private static void report(String what, Timed timed) {
        StringBuilder stages = new StringBuilder();
        timed.job().get("stages").forEach(s -> {
            if (s.hasNonNull("startedAt") && s.hasNonNull("finishedAt")) {
                Duration d = Duration.between(java.time.Instant.parse(s.get("startedAt").asString()),
                        java.time.Instant.parse(s.get("finishedAt").asString()));
                stages.append(' ').append(s.get("stage").asString()).append('=').append(seconds(d));
            }
        });
        System.out.println("BENCH " + what + ": " + seconds(timed.took()) + " from POST to "
                + timed.refresh().get("status").asString() + " (stages:" + stages + "; upgraded "
                + timed.refresh().get("packages").get("upgraded") + ")");
    }

    /**
     * The zfs medium built from the current medium's resolved set with {@code pkg} pinned to the other version
     * the archive serves (its size and digest from the recipe's private apt lists).
     */
    private static Path zfsMediumWithOlder(Path current, String pkg) throws Exception {
        String lock = Files.readString(current.resolve("resolved.lock"));
        String line = lock.lines().filter(l -> l.startsWith(pkg + " ")).findFirst().orElseThrow();
        String candidate = line.split(" ")[1];
        Process show = new ProcessBuilder("apt-cache", "show", pkg).redirectErrorStream(true)
                .start();
        show.getOutputStream().close();
        String shown = new String(show.getInputStream().readAllBytes());
        show.waitFor(1, TimeUnit.MINUTES);
        String older = null;
        String sha = null;
        String size = null;
        String version = null;
        for (String l : shown.split("\n")) {
            if (l.startsWith("Version: ")) {
                version = l.substring(9).strip();
            } else if (l.startsWith("SHA256: ") && !candidate.equals(version)) {
                older = version;
                sha = l.substring(8).strip();
            } else if (l.startsWith("Size: ") && older != null && size == null && older.equals(version)) {
                size = l.substring(6).strip();
            }
        }
        assertThat(older).as("an older " + pkg + " beside " + candidate).isNotNull();
        Path out = Path.of("target", "bench-zfs-" + pkg + "-behind").toAbsolutePath();
        Files.createDirectories(out);
        Path olderLock = out.resolve("older.lock");
        Files.writeString(olderLock, lock.replace(line, String.join(" ", pkg, older, line.split(" ")[2], sha,
                size)));
        Path script = Path.of("..", "installers", "reference-debian-zfs", "build.sh").toAbsolutePath();
        long start = System.nanoTime();
        ProcessBuilder build = new ProcessBuilder(List.of(script.toString(), out.toString())).redirectErrorStream(true)
                .redirectOutput(out.resolve("build.log").toFile());
        build.environment().put("REFERENCE_DEBIAN_ZFS_LOCK", olderLock.toString());
        Process process = build.start();
        assertThat(process.waitFor(60, TimeUnit.MINUTES) && process.exitValue() == 0)
                .as(Files.readString(out.resolve("build.log"))).isTrue();
        System.out.println("BENCH reference-debian-zfs medium with " + pkg + " " + older + ": "
                + seconds(Duration.ofNanos(System.nanoTime() - start)));
        return out;
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
