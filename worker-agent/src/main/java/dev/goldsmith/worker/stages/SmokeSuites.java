package dev.goldsmith.worker.stages;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The smoke-test suites a build can name. {@code golden} is the seed's test-golden-image.sh (DESIGN §5);
 * {@code tiny} is what a reference-tiny system can show.
 */
public final class SmokeSuites {

    /** Placeholder command of the check the farm runs itself ({@link RootLoginProbe}): root must be refused. */
    public static final String ROOT_LOGIN = "ssh root@guest (must be refused)";

    /**
     * The seed's "DNS resolves" ({@code getent hosts github.com}) cannot hold in a build VM: its network reaches
     * nothing (the VM runs code the farm did not write), and QEMU's restricted DHCP hands out an address but no
     * router and no nameserver. What the image can prove is that its resolver is configured: the name service
     * consults DNS, {@code /etc/resolv.conf} names a nameserver (systemd-resolved's stub on the golden image),
     * and the host's own name resolves. On a real network the DHCP lease then supplies the upstream servers.
     */
    static final String DNS_CONFIGURED = "getent hosts \"$(hostname)\" >/dev/null && grep -E '^hosts:' "
            + "/etc/nsswitch.conf && grep -E '^nameserver ' /etc/resolv.conf";

    private static final Pattern NSS_DNS = Pattern.compile("(?m)^hosts:.*\\b(dns|resolve)\\b");
    private static final Pattern NAMESERVER = Pattern.compile("(?m)^nameserver\\s+[0-9A-Fa-f.:]+\\s*$");

    private SmokeSuites() {
    }

    /**
     * Whether a suite also proves what a ZFS golden image promises beyond its checks: the boot-environment cycle
     * in TEST and, after EXPORT, sealed clones with fresh identities.
     */
    public static boolean provesBootEnvironmentsAndSealing(String name) {
        return "golden".equals(name);
    }

    public static List<Check> suite(String name, String hostname) {
        return switch (name) {
            case "tiny" -> tiny(hostname);
            case "golden" -> golden(hostname);
            default -> throw new IllegalArgumentException("unknown test suite: " + name);
        };
    }

    /**
     * The installed system was installed from the darksite the farm names in the provenance: the lock the
     * installer leaves in the image hashes to the darksite's digest (sha256 of its non-comment lines).
     */
    public static Check darksite(String digest) {
        String hex = digest.substring("sha256:".length());
        return Check.outputMatches("darksite-installed", "sudo grep -v '^#' /etc/goldsmith/darksite.lock | sha256sum",
                out -> out.strip().startsWith(hex + " "), "the lock of darksite " + digest);
    }

    static List<Check> tiny(String hostname) {
        return List.of(
                Check.exitsZero("uefi-boot", "test -d /sys/firmware/efi"),
                Check.outputMatches("kernel", "uname -r", out -> !out.isBlank(), "a kernel release"),
                Check.outputMatches("hostname", "hostname", out -> out.strip().equals(hostname), "hostname " + hostname),
                Check.outputMatches("ssh-listening", "netstat -ltn", out -> out.contains(":22 "), "a listener on port 22"),
                new Check(RootLoginProbe.NAME, ROOT_LOGIN, out -> true, "root cannot log in over SSH"),
                // busybox has no getent; its resolv.conf is the one the DHCP lease writes.
                Check.outputMatches("dns-configured", "grep -E '^hosts:' /etc/nsswitch.conf && readlink "
                        + "/etc/resolv.conf", out -> NSS_DNS.matcher(out).find() && out.contains("/run/resolv.conf"),
                        "name service with dns, /etc/resolv.conf from the DHCP lease"),
                Check.outputMatches("machine-id-present", "cat /etc/machine-id",
                        out -> out.strip().matches("[0-9a-f]{32}"), "a 32-hex machine-id before sealing"));
    }

    static List<Check> golden(String hostname) {
        return List.of(
                Check.outputMatches("pool-healthy", "sudo zpool status -x", out -> out.contains("all pools are healthy"),
                        "all pools are healthy"),
                Check.outputMatches("pool-is-rpool", "sudo zpool list -H -o name", out -> out.lines().anyMatch("rpool"::equals),
                        "a pool named rpool"),
                Check.outputMatches("root-dataset", "findmnt -n -o SOURCE /",
                        out -> out.strip().startsWith("rpool/ROOT/"), "/ mounted from rpool/ROOT/<host>"),
                Check.outputMatches("lz4-compression", "sudo zfs get -H -o value compression rpool",
                        out -> out.strip().equals("lz4"), "compression=lz4 on rpool"),
                Check.outputMatches("snapshots-exist", "sudo zfs list -H -t snapshot -o name",
                        out -> out.contains("@install-"), "an @install-<timestamp> snapshot"),
                Check.exitsZero("home-dataset", "sudo zfs list -H rpool/home"),
                Check.exitsZero("var-log-dataset", "sudo zfs list -H rpool/var/log"),
                Check.outputMatches("system-running", "systemctl is-system-running || true",
                        out -> out.strip().equals("running") || out.strip().equals("degraded"), "running or degraded"),
                Check.outputMatches("no-failed-units", "systemctl --failed --no-legend --plain | wc -l",
                        out -> out.strip().equals("0"), "no failed units"),
                Check.exitsZero("uefi-boot", "test -d /sys/firmware/efi"),
                Check.outputMatches("kernel", "uname -r", out -> !out.isBlank(), "a kernel release"),
                Check.outputMatches("hostname", "hostname", out -> out.strip().equals(hostname), "hostname " + hostname),
                Check.outputMatches("network-up", "ip -4 -o addr show scope global", out -> out.contains(" inet "),
                        "an IPv4 address on a network interface"),
                Check.outputMatches("dns-configured", DNS_CONFIGURED,
                        out -> NSS_DNS.matcher(out).find() && NAMESERVER.matcher(out).find(),
                        "the host's own name resolves, the name service uses DNS and a nameserver is configured"),
                Check.outputMatches("ssh-listening", "ss -ltn", out -> out.contains(":22 "), "a listener on port 22"),
                new Check(RootLoginProbe.NAME, ROOT_LOGIN, out -> true, "root cannot log in over SSH"),
                Check.outputMatches("firewall-table", "sudo nft list tables", out -> out.contains("table inet"),
                        "an nftables inet table"),
                Check.exitsZero("zfs-module-loaded", "grep -q '^zfs ' /proc/modules"),
                Check.exitsZero("wireguard-available", "modinfo wireguard >/dev/null"));
    }
}
