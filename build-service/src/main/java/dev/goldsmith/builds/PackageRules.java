package dev.goldsmith.builds;

import dev.goldsmith.api.InstalledPackage;
import dev.goldsmith.problems.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What a worker may report as an image's installed packages: dpkg- or rpm-style names, versions and architectures. */
final class PackageRules {

    static final int MAX_PACKAGES = 20_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._-]{0,127}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9.+~:_^-]{1,128}");
    private static final Pattern ARCHITECTURE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private PackageRules() {
    }

    static List<FieldViolation> violations(List<InstalledPackage> packages) {
        List<FieldViolation> errors = new ArrayList<>();
        if (packages == null) {
            return errors;
        }
        if (packages.size() > MAX_PACKAGES) {
            errors.add(new FieldViolation("packages", "must list at most " + MAX_PACKAGES + " packages"));
            return errors;
        }
        for (int i = 0; i < packages.size(); i++) {
            InstalledPackage p = packages.get(i);
            String field = "packages[" + i + "]";
            if (p == null) {
                errors.add(new FieldViolation(field, "must be an object with name and version"));
                continue;
            }
            if (p.name() == null || !NAME.matcher(p.name()).matches()) {
                errors.add(new FieldViolation(field + ".name", "must be a package name such as openssh-server"));
            }
            if (p.version() == null || !VERSION.matcher(p.version()).matches()) {
                errors.add(new FieldViolation(field + ".version", "must be a package version such as 1:9.2p1-2+deb12u3"));
            }
            if (p.architecture() != null && !ARCHITECTURE.matcher(p.architecture()).matches()) {
                errors.add(new FieldViolation(field + ".architecture", "must be an architecture such as amd64"));
            }
            if (errors.size() >= 20) {
                break;
            }
        }
        return errors;
    }
}
