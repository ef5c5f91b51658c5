package dev.goldsmith.installers;

import dev.goldsmith.api.InstallerRegistration;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.FieldViolation;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks every field of an installer registration and names each one that is wrong. Console lines are matched
 * on the serial log as plain substrings, so they are printable ASCII only: nothing that could hide text or
 * forge a line.
 */
final class RegistrationRules {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    /** Names the farm keeps for the media it builds itself. */
    static final String RESERVED_PREFIX = "reference-";
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Pattern CONSOLE_LINE = Pattern.compile("[\\x20-\\x7e]{1,200}");
    static final Pattern DISK_SIZE = Pattern.compile("[1-9][0-9]{0,5}[MG]");
    static final List<String> FORMATS = List.of("iso", "img");
    static final List<String> BOOT_MODES = List.of("UEFI", "BIOS");
    static final int MAX_FAILURE_LINES = 8;
    static final Duration MIN_DEADLINE = Duration.ofMinutes(1);
    static final Duration MAX_DEADLINE = Duration.ofHours(24);
    static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(30);

    private RegistrationRules() {
    }

    /** The installer the registration describes, owned by {@code team}; a 422 naming every bad field otherwise. */
    static Installer check(InstallerRegistration request, long maxSize, String team, boolean reference) {
        List<FieldViolation> errors = new ArrayList<>();
        String name = request.name();
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            errors.add(new FieldViolation("name", "must be 1-63 of a-z 0-9 . _ - starting with a letter or digit, "
                    + "without '..'"));
        } else if (!reference && name.startsWith(RESERVED_PREFIX)) {
            errors.add(new FieldViolation("name", "'" + RESERVED_PREFIX + "*' names the farm's own reference media; "
                    + "choose another name"));
        }
        if (request.sha256() == null || !SHA256.matcher(request.sha256()).matches()) {
            errors.add(new FieldViolation("sha256", "must be the medium's SHA-256: 64 lowercase hex digits"));
        }
        if (request.size() <= 0 || request.size() > maxSize) {
            errors.add(new FieldViolation("size", "must be the medium's size: 1 to " + maxSize + " bytes"));
        }
        String format = oneOf(errors, "format", request.format(), FORMATS, null);
        String bootMode = oneOf(errors, "bootMode", request.bootMode(), BOOT_MODES, "UEFI");
        if (request.successLine() == null) {
            errors.add(new FieldViolation("successLine", "is required: the serial-console line that means the "
                    + "install succeeded"));
        } else {
            consoleLine(errors, "successLine", request.successLine());
        }
        List<String> failureLines = request.failureLines() == null ? List.of() : request.failureLines();
        if (failureLines.size() > MAX_FAILURE_LINES) {
            errors.add(new FieldViolation("failureLines", "must have at most " + MAX_FAILURE_LINES + " lines"));
        } else {
            for (int i = 0; i < failureLines.size(); i++) {
                consoleLine(errors, "failureLines[" + i + "]", failureLines.get(i));
            }
        }
        Duration deadline = deadline(errors, request.installDeadline());
        List<String> distros = subset(errors, "distros", request.distros(), InstallTargets.DISTROS);
        List<String> profiles = subset(errors, "profiles", request.profiles(), InstallTargets.PROFILES);
        String suite = oneOf(errors, "defaultSuite", request.defaultSuite(), InstallTargets.TEST_SUITES, "golden");
        if (request.diskSize() != null && !DISK_SIZE.matcher(request.diskSize()).matches()) {
            errors.add(new FieldViolation("diskSize", "must be a size like 512M or 8G"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new Installer(name, request.sha256(), request.size(), format, bootMode, request.successLine(),
                List.copyOf(failureLines), deadline, distros, profiles, suite, request.diskSize(), team, reference,
                null, null);
    }

    private static void consoleLine(List<FieldViolation> errors, String field, String line) {
        if (line == null || !CONSOLE_LINE.matcher(line).matches() || line.isBlank()) {
            errors.add(new FieldViolation(field, "must be 1-200 printable ASCII characters (no control characters), "
                    + "not only spaces"));
        }
    }

    private static Duration deadline(List<FieldViolation> errors, String given) {
        if (given == null) {
            return DEFAULT_DEADLINE;
        }
        try {
            Duration deadline = Duration.parse(given);
            if (deadline.compareTo(MIN_DEADLINE) >= 0 && deadline.compareTo(MAX_DEADLINE) <= 0) {
                return deadline;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.add(new FieldViolation("installDeadline", "must be an ISO-8601 duration from PT1M to PT24H"));
        return null;
    }

    private static String oneOf(List<FieldViolation> errors, String field, String value, List<String> allowed,
            String fallback) {
        if (value == null && fallback != null) {
            return fallback;
        }
        if (value == null || !allowed.contains(value)) {
            errors.add(new FieldViolation(field, "must be one of " + String.join(", ", allowed)));
            return null;
        }
        return value;
    }

    private static List<String> subset(List<FieldViolation> errors, String field, List<String> given,
            List<String> allowed) {
        if (given == null || given.isEmpty() || given.size() > allowed.size()) {
            errors.add(new FieldViolation(field, "must name 1 to " + allowed.size() + " of " + String.join(", ", allowed)));
            return List.of();
        }
        LinkedHashSet<String> values = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String value = given.get(i);
            if (value == null || !allowed.contains(value)) {
                errors.add(new FieldViolation(field + "[" + i + "]", "must be one of " + String.join(", ", allowed)));
            } else if (!values.add(value)) {
                errors.add(new FieldViolation(field + "[" + i + "]", "repeats '" + value + "'"));
            }
        }
        return List.copyOf(values);
    }
}
