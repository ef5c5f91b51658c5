package dev.goldsmith.worker.recipes;

import dev.goldsmith.worker.StopSignal;
import dev.goldsmith.worker.stages.StageFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One of the farm's own medium recipes: {@code <recipes>/<name>/build.sh} of the repository this worker was
 * deployed from. A medium job names a recipe, never a script: the name must be a plain directory name and the
 * recipe must be there. {@code build.sh --resolve OUT} writes the package set the archive offers now as
 * {@code OUT/resolved.lock}; {@code build.sh OUT} with {@code GOLDSMITH_RESOLVED_LOCK} builds the medium from
 * exactly that set. Both run from an argument list (no shell), their output going to the build's log.
 */
public final class Recipe {

    public static final String RESOLVED_LOCK = "resolved.lock";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final int TAIL_LINES = 12;
    private static final int MAX_LINE = 4000;

    private final String name;
    private final Path script;

    private Recipe(String name, Path script) {
        this.name = name;
        this.script = script;
    }

    /** The recipe {@code name} in {@code recipesDir}; a name that is not a recipe there is refused. */
    public static Recipe in(Path recipesDir, String name) throws StageFailure {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new StageFailure("NO_SUCH_RECIPE", "'" + name + "' is not a recipe name", false);
        }
        Path script = recipesDir.resolve(name).resolve("build.sh");
        if (!Files.isRegularFile(script) || !Files.isExecutable(script)) {
            throw new StageFailure("NO_SUCH_RECIPE", "this worker has no recipe " + name + " (no executable "
                    + script + ")", false);
        }
        return new Recipe(name, script);
    }

    public String name() {
        return name;
    }

    /** Runs {@code build.sh --resolve out} and answers the {@code resolved.lock} it wrote. */
    public String resolve(Path out, Duration timeout, Consumer<String> log, StopSignal stop) throws StageFailure,
            StopSignal.StoppedException, InterruptedException, IOException {
        run(List.of(script.toString(), "--resolve", out.toString()), Map.of(), timeout, log, stop,
                "RESOLVE_FAILED", "could not resolve the package set");
        Path lock = out.resolve(RESOLVED_LOCK);
        if (!Files.isRegularFile(lock)) {
            throw new StageFailure("RESOLVE_FAILED", name + "/build.sh --resolve wrote no " + RESOLVED_LOCK, false);
        }
        return Files.readString(lock, StandardCharsets.UTF_8);
    }

    /** Runs {@code build.sh out} building exactly the package set in {@code lock}; answers the medium's file. */
    public Path build(Path out, Path lock, Duration timeout, Consumer<String> log, StopSignal stop)
            throws StageFailure, StopSignal.StoppedException, InterruptedException, IOException {
        run(List.of(script.toString(), out.toString()), Map.of("GOLDSMITH_RESOLVED_LOCK", lock.toString()), timeout,
                log, stop, "MEDIUM_BUILD_FAILED", "could not build the medium");
        Path medium = out.resolve(name + ".img");
        if (!Files.isRegularFile(medium)) {
            throw new StageFailure("MEDIUM_BUILD_FAILED", name + "/build.sh wrote no " + medium.getFileName(), false);
        }
        return medium;
    }

    private void run(List<String> command, Map<String, String> env, Duration timeout, Consumer<String> log,
            StopSignal stop, String code, String what) throws StageFailure, StopSignal.StoppedException,
            InterruptedException, IOException {
        stop.check();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        process.getOutputStream().close();
        Runnable kill = () -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        };
        stop.whenStopped(kill);
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = Thread.ofPlatform().daemon().name("recipe-" + name).start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String cut = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line;
                    log.accept(cut);
                    synchronized (tail) {
                        tail.addLast(cut);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException ended) {
                // the process ended or was killed; what was read is in the log
            }
        });
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill.run();
                throw new StageFailure(code, name + "/build.sh did not finish within " + timeout, false);
            }
            reader.join(5_000);
        } catch (InterruptedException e) {
            kill.run();
            throw e;
        } finally {
            stop.forget(kill);
        }
        stop.check();
        if (process.exitValue() != 0) {
            List<String> last;
            synchronized (tail) {
                last = new ArrayList<>(tail);
            }
            String reason = last.stream().filter(l -> l.contains("error:")).reduce((a, b) -> b)
                    .orElse(last.isEmpty() ? "" : last.getLast());
            throw new StageFailure(code, name + ": " + what + " (build.sh exited " + process.exitValue() + "): "
                    + reason.strip(), false);
        }
    }
}
