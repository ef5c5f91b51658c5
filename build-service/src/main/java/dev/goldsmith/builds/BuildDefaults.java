package dev.goldsmith.builds;

import java.util.List;

/** The enumerations a build request draws from. */
public final class BuildDefaults {

    public static final List<String> DISTROS = List.of("debian", "ubuntu", "fedora", "centos", "rocky", "rhel",
            "arch");
    public static final List<String> PROFILES = List.of("core", "server", "desktop", "kvm", "k8s", "storage", "ai");
    public static final List<String> FORMATS = List.of("qcow2", "raw", "vmdk", "vhd", "ova");
    public static final List<String> ACCELS = List.of("any", "kvm");
    public static final List<String> ARCHES = List.of("x86_64");
    /** Smoke-test suites: the full seed suite, and what a reference-tiny system can show. */
    public static final List<String> TEST_SUITES = List.of("golden", "tiny");
    public static final int DEFAULT_PRIORITY = 50;

    private BuildDefaults() {
    }

    /** The suite a build runs when it names none: the tiny installer cannot pass the ZFS checks. */
    public static String defaultSuite(String installer) {
        return installer.equals("reference-tiny") ? "tiny" : "golden";
    }
}
