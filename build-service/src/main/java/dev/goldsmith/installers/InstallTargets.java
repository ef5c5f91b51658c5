package dev.goldsmith.installers;

import java.util.List;

/**
 * What an installer medium can declare, and what a build request may ask for: kldload's distros and profiles,
 * and the smoke-test suites workers know (the full seed suite, and what a reference-tiny system can show).
 */
public final class InstallTargets {

    public static final List<String> DISTROS = List.of("debian", "ubuntu", "fedora", "centos", "rocky", "rhel",
            "arch");
    public static final List<String> PROFILES = List.of("core", "server", "desktop", "kvm", "k8s", "storage", "ai");
    public static final List<String> TEST_SUITES = List.of("golden", "tiny");

    private InstallTargets() {
    }
}
