package dev.goldsmith.builds;

import dev.goldsmith.installers.InstallTargets;
import java.util.List;

/** The enumerations a build request draws from. */
public final class BuildDefaults {

    public static final List<String> DISTROS = InstallTargets.DISTROS;
    public static final List<String> PROFILES = InstallTargets.PROFILES;
    public static final List<String> FORMATS = List.of("qcow2", "raw", "vmdk", "vhd", "ova");
    public static final List<String> ACCELS = List.of("any", "kvm");
    public static final List<String> ARCHES = List.of("x86_64");
    /** Smoke-test suites: the full seed suite, and what a reference-tiny system can show. */
    public static final List<String> TEST_SUITES = InstallTargets.TEST_SUITES;
    public static final int DEFAULT_PRIORITY = 50;

    private BuildDefaults() {
    }
}
