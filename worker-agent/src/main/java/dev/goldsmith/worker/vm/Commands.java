package dev.goldsmith.worker.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs host tools (qemu-img, mkfs.vfat, mtools) from an argument list, never through a shell, with a deadline.
 */
public final class Commands {

    /** What a finished command left behind. */
    public record Result(List<String> command, int exitStatus, String output) {
        public Result orThrow() throws IOException {
            if (exitStatus != 0) {
                throw new IOException(String.join(" ", command) + " exited " + exitStatus + ": " + tail(output));
            }
            return this;
        }
    }

    private Commands() {
    }

    public static Result run(List<String> command, Duration timeout) throws IOException {
        return run(command, timeout, null);
    }

    public static Result run(List<String> command, Duration timeout, Path workDir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.environment().put("LC_ALL", "C");
        builder.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        var output = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                process.getInputStream().transferTo(output);
            } catch (IOException ignored) {
                // the process ended; what was read is kept
            }
        });
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish within " + timeout);
            }
            reader.join(5_000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
        return new Result(List.copyOf(command), process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }

    static String tail(String text) {
        return text.length() <= 2000 ? text.strip() : "..." + text.substring(text.length() - 2000).strip();
    }
}
