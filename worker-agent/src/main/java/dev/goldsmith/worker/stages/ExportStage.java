package dev.goldsmith.worker.stages;

import dev.goldsmith.worker.vm.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EXPORT: qemu-img converts the sealed disk to each requested format with DESIGN §5's options: qcow2
 * compressed, raw sparse, vmdk streamOptimized, vhd fixed with the size rounded up to a whole MiB first, and
 * ova = OVF + manifest + streamOptimized vmdk in one USTAR tar.
 */
public final class ExportStage {

    static final long MIB = 1024 * 1024;
    private static final Duration CONVERT_TIMEOUT = Duration.ofMinutes(30);
    private static final Pattern VIRTUAL_SIZE = Pattern.compile("\"virtual-size\":\\s*(\\d+)");

    /** The qemu-img arguments that turn {@code source} into {@code target} for a format. */
    static List<String> convertCommand(String format, Path source, Path target) {
        List<String> command = new ArrayList<>(List.of("qemu-img", "convert", "-O"));
        switch (format) {
            case "qcow2" -> command.addAll(List.of("qcow2", "-c"));
            case "raw" -> command.add("raw");
            case "vmdk" -> command.addAll(List.of("vmdk", "-o", "subformat=streamOptimized"));
            case "vhd" -> command.addAll(List.of("vpc", "-o", "subformat=fixed,force_size=on"));
            default -> throw new IllegalArgumentException("no qemu-img format for " + format);
        }
        command.addAll(List.of("-f", source.getFileName().toString().endsWith(".raw") ? "raw" : "qcow2",
                source.toString(), target.toString()));
        return command;
    }

    static long roundUpToMib(long bytes) {
        return (bytes + MIB - 1) / MIB * MIB;
    }

    /** Exports every format; returns the file of each, by format. */
    public Map<String, Path> run(BuildContext build) throws IOException, StageFailure {
        Path source = build.testOverlay();
        Path out = Files.createDirectories(build.exportDir());
        String name = build.spec().imageName();
        Map<String, Path> files = new LinkedHashMap<>();
        for (String format : build.spec().formats()) {
            long start = System.nanoTime();
            Path target = out.resolve(name + "." + format);
            switch (format) {
                case "vhd" -> convert(build, "vhd", alignedRaw(build, source), target);
                case "ova" -> OvaAssembler.assemble(name, streamOptimizedVmdk(build, source, out), virtualSize(source),
                        target);
                default -> convert(build, format, source, target);
            }
            build.log().step("exported " + target.getFileName() + " (" + Files.size(target) + " bytes) in "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
            files.put(format, target);
        }
        return files;
    }

    private static void convert(BuildContext build, String format, Path source, Path target) throws IOException,
            StageFailure {
        var result = Commands.run(convertCommand(format, source, target), CONVERT_TIMEOUT);
        if (result.exitStatus() != 0) {
            throw new StageFailure("EXPORT_FAILED", "qemu-img convert to " + format + " failed: " + result.output(),
                    true);
        }
        build.log().step(String.join(" ", result.command()));
    }

    /** A vhd must be a whole number of MiB: Azure refuses anything else. */
    private static Path alignedRaw(BuildContext build, Path source) throws IOException, StageFailure {
        long size = virtualSize(source);
        if (size % MIB == 0) {
            return source;
        }
        Path raw = build.dir().resolve("vhd-aligned.raw");
        convert(build, "raw", source, raw);
        Commands.run(List.of("qemu-img", "resize", "-f", "raw", raw.toString(), Long.toString(roundUpToMib(size))),
                Duration.ofMinutes(1)).orThrow();
        return raw;
    }

    private static Path streamOptimizedVmdk(BuildContext build, Path source, Path out) throws IOException,
            StageFailure {
        Path vmdk = out.resolve(build.spec().imageName() + ".vmdk");
        if (!Files.exists(vmdk)) {
            vmdk = build.dir().resolve(build.spec().imageName() + "-disk1.vmdk");
            convert(build, "vmdk", source, vmdk);
        }
        return vmdk;
    }

    static long virtualSize(Path image) throws IOException {
        var info = Commands.run(List.of("qemu-img", "info", "--output=json", image.toString()), Duration.ofMinutes(1))
                .orThrow();
        Matcher matcher = VIRTUAL_SIZE.matcher(info.output());
        if (!matcher.find()) {
            throw new IOException("qemu-img info gave no virtual size for " + image);
        }
        return Long.parseLong(matcher.group(1));
    }
}
