package dev.goldsmith.worker.stages;

import java.util.List;

/**
 * The smoke-test suites a build can name. {@code golden} is the seed's test-golden-image.sh (DESIGN §5);
 * {@code tiny} is what a reference-tiny system can show.
 */
public final class SmokeSuites {

    /** Placeholder command of the check the farm runs itself: logging in as root must fail. */
    public static final String ROOT_LOGIN = "ssh root@guest (must be refused)";

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
                new Check("root-login-refused", ROOT_LOGIN, out -> true, "root cannot log in over SSH"),
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
                Check.exitsZero("network-up", "ip -4 route show default | grep -q default"),
                Check.outputMatches("ssh-listening", "ss -ltn", out -> out.contains(":22 "), "a listener on port 22"),
                new Check("root-login-refused", ROOT_LOGIN, out -> true, "root cannot log in over SSH"),
                Check.outputMatches("firewall-table", "sudo nft list tables", out -> out.contains("table inet"),
                        "an nftables inet table"),
                Check.exitsZero("zfs-module-loaded", "grep -q '^zfs ' /proc/modules"),
                Check.exitsZero("wireguard-available", "modinfo wireguard >/dev/null"));
    }
}
