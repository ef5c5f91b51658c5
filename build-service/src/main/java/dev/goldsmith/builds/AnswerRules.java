package dev.goldsmith.builds;

import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The {@code KLDLOAD_*} answer-file keys the farm accepts, each with the rule its value must meet. A key not
 * listed here is refused: an installer silently ignoring a misspelt key is how images drift.
 */
public final class AnswerRules {

    /** A rule for one key's value, with the message a client sees when it is broken. */
    public record Rule(Predicate<String> accepts, String expectation) {
    }

    private static final Pattern HOSTNAME_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern USERNAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern DISK = Pattern.compile(
            "/dev/((vd|sd|xvd|hd)[a-z]{1,2}|nvme[0-9]{1,2}n[0-9]{1,2}|disk/by-(id|path|uuid|label)/[A-Za-z0-9._:+-]{1,128})");
    private static final Pattern TIMEZONE = Pattern.compile("UTC|[A-Z][A-Za-z]{1,30}(/[A-Z][A-Za-z0-9_+-]{0,30}){0,2}");
    private static final Pattern LOCALE = Pattern.compile("C(\\.UTF-8)?|POSIX|[a-z]{2,3}_[A-Z]{2}(\\.UTF-8)?");
    private static final Pattern KEYMAP = Pattern.compile("[a-z]{2,8}(-[a-z0-9]{1,16})?");
    private static final Pattern POOL = Pattern.compile("[A-Za-z][A-Za-z0-9_.:-]{0,63}");
    private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]{0,127}");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])");
    private static final Pattern IFACE = Pattern.compile("[a-z][a-z0-9]{0,14}");
    private static final Set<String> RESERVED_POOLS = Set.of("mirror", "raidz", "raidz1", "raidz2", "raidz3",
            "draid", "spare", "log", "cache", "special", "dedup");

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        rule("DISTRO", oneOf(BuildDefaults.DISTROS));
        rule("PROFILE", oneOf(BuildDefaults.PROFILES));
        rule("DISK", new Rule(v -> DISK.matcher(v).matches(),
                "must be a disk device path such as /dev/vda, /dev/nvme0n1 or /dev/disk/by-id/..."));
        rule("HOSTNAME", new Rule(AnswerRules::isHostname,
                "must be an RFC 1123 host name: dot-separated labels of letters, digits and inner dashes, "
                        + "at most 63 characters per label and 253 in all, not all digits"));
        rule("DOMAIN", new Rule(AnswerRules::isHostname, "must be an RFC 1123 domain name"));
        rule("USERNAME", new Rule(v -> USERNAME.matcher(v).matches() && !v.equals("root"),
                "must be a Linux user name (lowercase letter or _, then up to 31 of a-z 0-9 _ -), not root"));
        rule("PASSWORD", printable(8, 256));
        rule("ROOT_PASSWORD", printable(8, 256));
        rule("MOK_PASSWORD", printable(8, 256));
        rule("TIMEZONE", new Rule(v -> TIMEZONE.matcher(v).matches() && !v.contains(".."),
                "must be UTC or an IANA Area/Location zone name"));
        rule("LOCALE", new Rule(v -> LOCALE.matcher(v).matches(), "must be C, C.UTF-8, POSIX or like en_US.UTF-8"));
        rule("KEYBOARD_LAYOUT", new Rule(v -> KEYMAP.matcher(v).matches(),
                "must be a console keymap name such as us or de-latin1"));
        rule("NET_METHOD", oneOf("dhcp", "static"));
        rule("NET_IFACE", new Rule(v -> IFACE.matcher(v).matches(), "must be an interface name such as eth0"));
        rule("NET_IP", new Rule(v -> IPV4.matcher(v).matches(), "must be an IPv4 address"));
        rule("NET_PREFIX", new Rule(v -> v.matches("[0-9]{1,2}") && Integer.parseInt(v) <= 32,
                "must be a prefix length from 0 to 32"));
        rule("NET_GW", new Rule(v -> IPV4.matcher(v).matches(), "must be an IPv4 address"));
        rule("NET_DNS", new Rule(v -> v.split(",", -1).length <= 4
                && java.util.Arrays.stream(v.split(",", -1)).allMatch(w -> IPV4.matcher(w).matches()),
                "must be one to four IPv4 addresses separated by commas"));
        rule("SUITE", new Rule(v -> v.matches("[a-z]{3,16}"), "must be a release codename such as bookworm"));
        rule("DEBIAN_SUITE", new Rule(v -> v.matches("[a-z]{3,16}"), "must be a release codename such as bookworm"));
        rule("RELEASE", new Rule(v -> v.matches("[0-9]{1,3}"), "must be a release number such as 10"));
        rule("FEDORA_RELEASE", new Rule(v -> v.matches("[0-9]{2}"), "must be a Fedora release number such as 44"));
        rule("ZFS_POOL", new Rule(v -> POOL.matcher(v).matches() && !RESERVED_POOLS.contains(v),
                "must be a ZFS pool name: a letter, then up to 63 of A-Z a-z 0-9 _ . : -, not a reserved word"));
        rule("ZFS_TOPOLOGY", oneOf("single", "mirror", "raidz1", "mirror-stripe"));
        rule("ZFS_PASSPHRASE", printable(8, 512));
        rule("ESP_SIZE", new Rule(v -> v.matches("[1-9][0-9]{0,3}[MG]"), "must be a size such as 512M or 2G"));
        rule("ZBM_TIMEOUT", new Rule(v -> v.matches("-1|[0-9]{1,2}"), "must be -1 or 0 to 99 seconds"));
        rule("NVIDIA_DRIVERS", oneOf("auto", "0", "1"));
        rule("EXPORT_FORMAT", new Rule("none"::equals,
                "must be none: the farm seals and exports in its own stages; ask for formats with 'formats'"));
        rule("NO_AUTO_REBOOT", new Rule("0"::equals,
                "must be 0: the farm runs the installer with -no-reboot and ends INSTALL when the VM goes down"));
        rule("EXTRA_PACKAGES", new Rule(v -> words(v, 1, 200).allMatch(w -> PACKAGE.matcher(w).matches()),
                "must be 1 to 200 package names (a-z 0-9 + . -) separated by spaces or commas"));
        for (String flag : List.of("ZFS_ENCRYPT", "ENABLE_SECURE_BOOT", "ENABLE_KVM", "ENABLE_K8S", "ENABLE_AI",
                "ENABLE_EBPF", "ENABLE_DEVOPS", "ENABLE_WEBUI", "ENABLE_ZXPLORE", "WIREGUARD", "KEEP_NETBOOT",
                "FORCE_WIPE", "DEBIAN_BACKPORTS")) {
            rule(flag, oneOf("0", "1"));
        }
    }

    private AnswerRules() {
    }

    private static void rule(String suffix, Rule rule) {
        RULES.put("KLDLOAD_" + suffix, rule);
    }

    public static Optional<Rule> ruleFor(String key) {
        return Optional.ofNullable(RULES.get(key));
    }

    public static Set<String> knownKeys() {
        return RULES.keySet();
    }

    /**
     * Secret keys are write-only: handed to the worker in the seed disk and nowhere else. The suffixes are the
     * farm's convention for every key, known or future.
     */
    public static boolean isSecret(String key) {
        return key.endsWith("PASSWORD") || key.endsWith("PASSPHRASE") || key.endsWith("PSK")
                || key.endsWith("SECRET") || key.endsWith("TOKEN") || key.endsWith("_KEY");
    }

    /**
     * Keys the farm writes itself: the per-build SSH key that the TEST and SEAL stages log in with (SEAL removes
     * it), and the root key, which a golden image must not carry.
     */
    public static boolean isFarmSupplied(String key) {
        return key.equals("KLDLOAD_SSH_PUBKEY") || key.equals("KLDLOAD_ADMIN_SSH_PUBKEY")
                || key.equals("KLDLOAD_ADMIN_SSH_KEYS");
    }

    static boolean isHostname(String value) {
        if (value.isEmpty() || value.length() > 253 || value.endsWith(".")) {
            return false;
        }
        return Arrays.stream(value.split("\\.", -1)).allMatch(label -> HOSTNAME_LABEL.matcher(label).matches())
                && !value.matches("[0-9.]+");
    }

    private static java.util.stream.Stream<String> words(String value, int min, int max) {
        String[] words = value.trim().split("[ ,]+");
        if (value.isBlank() || words.length < min || words.length > max) {
            return java.util.stream.Stream.of("\u0000");
        }
        return Arrays.stream(words);
    }

    private static Rule oneOf(String... values) {
        Set<String> allowed = Set.of(values);
        return new Rule(allowed::contains, "must be one of " + String.join(", ", values));
    }

    private static Rule oneOf(List<String> values) {
        return oneOf(values.toArray(String[]::new));
    }

    private static Rule printable(int min, int max) {
        return new Rule(v -> v.length() >= min && v.length() <= max,
                "must be " + min + " to " + max + " characters");
    }
}
