package dev.goldsmith.worker.seed;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code answers.env} as kldload reads it: one {@code KEY=value} per line, never sourced. Every value is written
 * inside one pair of double quotes, which kldload strips whole (it knows no escapes), so any accepted value
 * reads back exactly; a value with a newline or other control character is refused outright, since it could
 * forge a line.
 */
public final class AnswersFile {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private AnswersFile() {
    }

    public static String render(String header, SortedMap<String, String> answers) {
        StringBuilder file = new StringBuilder();
        if (header != null) {
            requireClean("header", header);
            file.append("# ").append(header).append('\n');
        }
        for (var entry : answers.entrySet()) {
            if (!KEY.matcher(entry.getKey()).matches()) {
                throw new IllegalArgumentException("not an answer-file key: " + entry.getKey());
            }
            requireClean(entry.getKey(), entry.getValue());
            file.append(entry.getKey()).append("=\"").append(entry.getValue()).append("\"\n");
        }
        return file.toString();
    }

    /** Reads a file the way kldload's loader does; throws where kldload would die. */
    public static Map<String, String> parse(String text) {
        Map<String, String> answers = new LinkedHashMap<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("invalid line in answers file: " + raw);
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("invalid variable name: " + key);
            }
            boolean quoted = value.length() >= 2
                    && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"));
            if (quoted) {
                value = value.substring(1, value.length() - 1);
            } else if (Pattern.compile("\\s#").matcher(value).find()) {
                throw new IllegalArgumentException("inline comment in answers file: " + raw);
            }
            answers.put(key, value);
        }
        return answers;
    }

    private static void requireClean(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                throw new IllegalArgumentException(what + " holds a control character");
            }
        }
    }

    /** The answers a farm build writes: the request's, plus what the farm always supplies (DESIGN §4). */
    public static SortedMap<String, String> forBuild(Map<String, String> requested, String distro, String profile,
            String password, String sshPublicKey) {
        TreeMap<String, String> answers = new TreeMap<>(requested);
        answers.put("KLDLOAD_DISTRO", distro);
        answers.put("KLDLOAD_PROFILE", profile);
        answers.putIfAbsent("KLDLOAD_PASSWORD", password);
        answers.put("KLDLOAD_SSH_PUBKEY", sshPublicKey);
        answers.putIfAbsent("KLDLOAD_DISK", "/dev/vda");
        answers.putIfAbsent("KLDLOAD_USERNAME", "admin");
        answers.putIfAbsent("KLDLOAD_ENABLE_SECURE_BOOT", "0");
        answers.put("KLDLOAD_NO_AUTO_REBOOT", "0");
        return answers;
    }

}
