package dev.goldsmith.worker.stages;

import dev.goldsmith.formats.FileManifest;
import dev.goldsmith.formats.FileManifest.Entry;
import dev.goldsmith.worker.ssh.GuestShell;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file manifest of the booted image ({@link FileManifest}): every file but those volatile by nature
 * ({@link #EXCLUDED}), with type, mode, owner, size and the SHA-256 of regular files, read as root in the guest
 * with one {@code find} walk and batched {@code sha256sum}s (GNU find's {@code -printf} where the guest has it,
 * else busybox {@code stat}). Written as {@code <image name>.manifest}, stored beside the SBOM.
 */
public final class FileManifestCollector {

    /**
     * What a manifest leaves out, as {@code find -path} patterns: kernel and runtime filesystems, temporary files,
     * caches, logs, package lists, and what is per boot or per build and so differs between any two builds of
     * the same inputs (machine id, host keys, the build's login key, salted password hashes, the resolver file,
     * reference-tiny's per-boot sudo key).
     */
    public static final List<String> EXCLUDED = List.of("/proc", "/sys", "/dev", "/run", "/tmp", "/var/tmp",
            "/var/cache", "/var/log", "/var/lib/apt/lists", "/var/lib/dhcp", "/var/lib/systemd", "/var/lib/sudo",
            "/lost+found", "/root/.ssh", "/home/*/.ssh", "/etc/machine-id", "/var/lib/dbus/machine-id",
            "/etc/ssh/ssh_host_*", "/etc/dropbear", "/etc/shadow", "/etc/shadow-", "/etc/gshadow",
            "/etc/gshadow-", "/etc/resolv.conf", "/etc/adjtime", "/etc/.pwd.lock", "/etc/reference-tiny/sudo");

    static final long MAX_BYTES = 256L << 20;
    private static final Duration DEADLINE = Duration.ofMinutes(20);
    private static final String SCRIPT = """
            set -u -f
            export LC_ALL=C
            set --
            for p in %s; do
                if [ $# -eq 0 ]; then set -- -path "$p"; else set -- "$@" -o -path "$p"; fi
            done
            if find / -maxdepth 0 -printf '' 2>/dev/null; then
                echo @gnu
                find / \\( "$@" \\) -prune -o -printf '%%y\\t%%m\\t%%U:%%G\\t%%s\\t%%l\\t%%p\\n'
            else
                echo @busybox
                find / \\( "$@" \\) -prune -o -exec stat -c '%%F\t%%a\t%%u:%%g\t%%s\t\t%%n' {} +
                echo @links
                find / \\( "$@" \\) -prune -o -type l -exec sh -c 'for l; do printf "%%s\\t%%s\\n" "$(readlink "$l")" "$l"; done' sh {} +
            fi
            echo @sha256
            find / \\( "$@" \\) -prune -o -type f -exec sha256sum {} +
            """.formatted(String.join(" ", EXCLUDED));

    /** What was collected: the manifest file, how many files it lists, and how long the guest took. */
    public record Collected(Path file, int files, long bytes, Duration took) {
    }

    public Collected collect(BuildContext build, BootedGuest guest) throws IOException {
        Path raw = build.dir().resolve("manifest.raw");
        GuestShell.Outcome outcome = guest.shell().runToFile("sudo -n sh -s", SCRIPT, raw, MAX_BYTES, DEADLINE);
        if (outcome.exitStatus() != 0 && Files.size(raw) == 0) {
            throw new IOException("collecting the file manifest failed (exit " + outcome.exitStatus() + "): "
                    + outcome.output().strip());
        }
        Map<String, Entry> entries;
        try (BufferedReader lines = Files.newBufferedReader(raw, StandardCharsets.UTF_8)) {
            entries = parse(lines);
        }
        Path file = build.dir().resolve(build.spec().imageName() + ".manifest");
        try (OutputStream out = Files.newOutputStream(file)) {
            FileManifest.write(entries.values(), out);
        }
        Files.delete(raw);
        long bytes = entries.values().stream().filter(e -> e.type() == 'f').mapToLong(Entry::bytes).sum();
        return new Collected(file, entries.size(), bytes, Duration.ofMillis(outcome.durationMs()));
    }

    /** The guest's output, merged into entries by path: lines it could not read are left out. */
    static Map<String, Entry> parse(BufferedReader lines) throws IOException {
        Map<String, String[]> stats = new HashMap<>();
        Map<String, String> targets = new HashMap<>();
        Map<String, String> digests = new HashMap<>();
        String section = "";
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("@")) {
                section = line;
                continue;
            }
            switch (section) {
                case "@gnu" -> {
                    String[] f = line.split("\t", 6);
                    if (f.length == 6) {
                        stats.put(f[5], new String[] {f[0], f[1], f[2], f[3]});
                        if (f[0].equals("l")) {
                            targets.put(f[5], f[4]);
                        }
                    }
                }
                case "@busybox" -> {
                    String[] f = line.split("\t", 6);
                    if (f.length == 6) {
                        stats.put(f[5], new String[] {busyboxType(f[0]), f[1], f[2], f[3]});
                    }
                }
                case "@links" -> {
                    int tab = line.indexOf('\t');
                    if (tab > 0) {
                        targets.put(line.substring(tab + 1), line.substring(0, tab));
                    }
                }
                case "@sha256" -> {
                    // "<hex>  <path>"; a name sha256sum had to escape starts with a backslash: left without one.
                    if (line.length() > 66 && line.charAt(64) == ' ' && line.charAt(65) == ' ') {
                        digests.put(line.substring(66), line.substring(0, 64));
                    }
                }
                default -> { }
            }
        }
        Map<String, Entry> entries = new java.util.TreeMap<>();
        stats.forEach((path, s) -> {
            char type = s[0].isEmpty() ? '?' : s[0].charAt(0);
            String content = switch (type) {
                case 'f' -> digests.getOrDefault(path, FileManifest.NONE);
                case 'l' -> targets.getOrDefault(path, FileManifest.NONE);
                default -> FileManifest.NONE;
            };
            entries.put(path, new Entry(path, type, s[1], s[2], type == 'd' ? FileManifest.NONE : s[3], content));
        });
        return entries;
    }

    private static String busyboxType(String described) {
        return switch (described) {
            case "regular file", "regular empty file" -> "f";
            case "directory" -> "d";
            case "symbolic link" -> "l";
            case "character special file" -> "c";
            case "block special file" -> "b";
            case "fifo" -> "p";
            case "socket" -> "s";
            default -> "?";
        };
    }
}
