package dev.goldsmith.builds;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.api.BuildRequest;
import dev.goldsmith.installers.Installer;
import dev.goldsmith.installers.InstallerCatalog;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.FieldViolation;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Checks every field of a build request and names each one that is wrong. Nothing of a rejected request is
 * stored; nothing of an accepted one reaches a VM except inside {@code answers.env} or as an enumeration.
 */
@Component
public class BuildRequestValidator {

    static final Pattern INSTALLER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}|sha256:[0-9a-f]{64}");
    static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._~:/@+-]{0,511}");
    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");
    static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?");
    static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9._:/@+=-]{0,128}");
    static final Pattern ANSWER_KEY = Pattern.compile("KLDLOAD_[A-Z0-9_]{1,56}");
    static final int MAX_ANSWER_VALUE = 4096;
    static final int MAX_LABELS = 32;
    static final int MAX_WORKER_LABELS = 16;

    private final GoldsmithProperties.Builds builds;
    private final int maxAnswerKeys;
    private final InstallerCatalog installers;

    public BuildRequestValidator(GoldsmithProperties properties, InstallerCatalog installers) {
        this.builds = properties.builds();
        this.maxAnswerKeys = properties.limits().maxAnswerKeys();
        this.installers = installers;
    }

    public ValidatedRequest validate(BuildRequest request) {
        List<FieldViolation> errors = new ArrayList<>();
        String distro = required(errors, "distro", request.distro(), BuildDefaults.DISTROS);
        String profile = required(errors, "profile", request.profile(), BuildDefaults.PROFILES);
        String installer = optionalPattern(errors, "installer", request.installer(), INSTALLER,
                "must be a registered installer name or sha256:<64 hex>", builds.defaultInstaller());
        Installer medium = installer == null ? null : medium(errors, installer, distro, profile);

        TreeMap<String, String> answers = new TreeMap<>();
        TreeMap<String, String> secrets = new TreeMap<>();
        checkAnswers(errors, request.answers(), distro, profile, answers, secrets);

        List<String> formats = checkFormats(errors, request.formats());

        String repository = null;
        String commit = null;
        if (request.source() == null) {
            errors.add(new FieldViolation("source", "is required: {repository, commit} of the build definition"));
        } else {
            repository = pattern(errors, "source.repository", request.source().repository(), REPOSITORY,
                    "must be a repository URL or path of up to 512 characters without spaces");
            commit = pattern(errors, "source.commit", request.source().commit(), COMMIT,
                    "must be a git commit: 7 to 64 lowercase hex digits");
        }

        String tests = medium == null ? null : medium.defaultSuite();
        if (request.tests() != null) {
            tests = required(errors, "tests", request.tests(), BuildDefaults.TEST_SUITES);
        }
        String channel = optionalPattern(errors, "channel", request.channel(), CHANNEL,
                "must be a channel name: a lowercase letter, then up to 31 of a-z 0-9 -", null);

        int priority = request.priority() == null ? BuildDefaults.DEFAULT_PRIORITY : request.priority();
        if (priority < 0 || priority > 100) {
            errors.add(new FieldViolation("priority", "must be between 0 and 100"));
        }
        Map<String, String> labels = checkLabels(errors, request.labels());
        Duration timeout = checkTimeout(errors, request.timeout());
        String accel = request.accel() == null ? "any" : required(errors, "accel", request.accel(), BuildDefaults.ACCELS);
        String arch = request.arch() == null ? "x86_64" : required(errors, "arch", request.arch(), BuildDefaults.ARCHES);
        List<String> workerLabels = checkWorkerLabels(errors, request.workerLabels());

        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new ValidatedRequest(distro, profile, installer, medium.name(), medium.sha256(), answers, secrets, formats, repository, commit, tests,
                channel, priority, labels, timeout, accel, arch, workerLabels, Boolean.TRUE.equals(request.force()));
    }

    /**
     * The registered medium the request names, and whether it installs the requested distro and profile: a
     * request it cannot serve is refused here, not at INSTALL.
     */
    private Installer medium(List<FieldViolation> errors, String installer, String distro, String profile) {
        Installer medium = installers.resolve(installer).orElse(null);
        if (medium == null) {
            errors.add(new FieldViolation("installer", "is not a registered installer (GET /api/v1/installers "
                    + "lists them)"));
            return null;
        }
        if (distro != null && !medium.distros().contains(distro)) {
            errors.add(new FieldViolation("distro", "installer '" + medium.name() + "' does not install " + distro
                    + "; it declares " + String.join(", ", medium.distros())));
        }
        if (profile != null && !medium.profiles().contains(profile)) {
            errors.add(new FieldViolation("profile", "installer '" + medium.name() + "' does not install profile "
                    + profile + "; it declares " + String.join(", ", medium.profiles())));
        }
        return medium;
    }

    private void checkAnswers(List<FieldViolation> errors, Map<String, String> given, String distro, String profile,
            Map<String, String> answers, Map<String, String> secrets) {
        if (given == null) {
            return;
        }
        if (given.size() > maxAnswerKeys) {
            errors.add(new FieldViolation("answers", "must have at most " + maxAnswerKeys + " keys"));
            return;
        }
        for (var entry : new TreeMap<>(given).entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            if (!ANSWER_KEY.matcher(key).matches()) {
                errors.add(new FieldViolation("answers", "key '" + printableExcerpt(key)
                        + "' is not a KLDLOAD_* key (KLDLOAD_ then A-Z 0-9 _)"));
                continue;
            }
            String field = "answers." + key;
            if (AnswerRules.isFarmSupplied(key)) {
                errors.add(new FieldViolation(field, "is set by the farm (a per-build key that TEST and SEAL use and "
                        + "SEAL removes); add deploy-time keys through cloud-init"));
                continue;
            }
            var rule = AnswerRules.ruleFor(key);
            if (rule.isEmpty()) {
                errors.add(new FieldViolation(field, "is not a known answer-file key"));
                continue;
            }
            if (value == null) {
                errors.add(new FieldViolation(field, "must be a string"));
            } else if (value.length() > MAX_ANSWER_VALUE) {
                errors.add(new FieldViolation(field, "must be at most " + MAX_ANSWER_VALUE + " characters"));
            } else if (!TextRules.isSafe(value)) {
                errors.add(new FieldViolation(field, "must not contain control characters, newlines or invisible "
                        + "formatting characters"));
            } else if (!rule.get().accepts().test(value)) {
                errors.add(new FieldViolation(field, rule.get().expectation()));
            } else if (key.equals("KLDLOAD_DISTRO") && distro != null && !value.equals(distro)) {
                errors.add(new FieldViolation(field, "must match distro '" + distro + "' or be left out"));
            } else if (key.equals("KLDLOAD_PROFILE") && profile != null && !value.equals(profile)) {
                errors.add(new FieldViolation(field, "must match profile '" + profile + "' or be left out"));
            } else if (AnswerRules.isSecret(key)) {
                secrets.put(key, value);
            } else {
                answers.put(key, value);
            }
        }
    }

    private static List<String> checkFormats(List<FieldViolation> errors, List<String> given) {
        if (given == null) {
            return List.of("qcow2");
        }
        if (given.isEmpty() || given.size() > BuildDefaults.FORMATS.size()) {
            errors.add(new FieldViolation("formats", "must name 1 to 5 of " + String.join(", ", BuildDefaults.FORMATS)));
            return List.of();
        }
        TreeSet<String> formats = new TreeSet<>();
        for (int i = 0; i < given.size(); i++) {
            String format = given.get(i);
            if (format == null || !BuildDefaults.FORMATS.contains(format)) {
                errors.add(new FieldViolation("formats[" + i + "]", "must be one of " + String.join(", ", BuildDefaults.FORMATS)));
            } else if (!formats.add(format)) {
                errors.add(new FieldViolation("formats[" + i + "]", "repeats '" + format + "'"));
            }
        }
        return List.copyOf(formats);
    }

    private static Map<String, String> checkLabels(List<FieldViolation> errors, Map<String, String> given) {
        if (given == null) {
            return Map.of();
        }
        if (given.size() > MAX_LABELS) {
            errors.add(new FieldViolation("labels", "must have at most " + MAX_LABELS + " entries"));
            return Map.of();
        }
        TreeMap<String, String> labels = new TreeMap<>();
        for (var entry : given.entrySet()) {
            if (!LABEL_KEY.matcher(entry.getKey()).matches() || entry.getKey().contains("..")) {
                errors.add(new FieldViolation("labels", "key '" + printableExcerpt(entry.getKey())
                        + "' must be 1-63 of a-z 0-9 . _ / - starting and ending alphanumeric, without '..'"));
            } else if (entry.getValue() == null || !LABEL_VALUE.matcher(entry.getValue()).matches()) {
                errors.add(new FieldViolation("labels." + entry.getKey(),
                        "must be at most 128 of A-Z a-z 0-9 . _ : / @ + = -"));
            } else {
                labels.put(entry.getKey(), entry.getValue());
            }
        }
        return labels;
    }

    private static List<String> checkWorkerLabels(List<FieldViolation> errors, List<String> given) {
        if (given == null) {
            return List.of();
        }
        if (given.size() > MAX_WORKER_LABELS) {
            errors.add(new FieldViolation("workerLabels", "must have at most " + MAX_WORKER_LABELS + " entries"));
            return List.of();
        }
        TreeSet<String> labels = new TreeSet<>();
        for (int i = 0; i < given.size(); i++) {
            String label = given.get(i);
            if (label == null || !LABEL_KEY.matcher(label).matches() || label.contains("..")) {
                errors.add(new FieldViolation("workerLabels[" + i + "]",
                        "must be 1-63 of a-z 0-9 . _ / - starting and ending alphanumeric"));
            } else {
                labels.add(label);
            }
        }
        return List.copyOf(labels);
    }

    private Duration checkTimeout(List<FieldViolation> errors, String given) {
        if (given == null) {
            return builds.defaultTimeout();
        }
        try {
            Duration timeout = Duration.parse(given);
            if (timeout.compareTo(builds.minTimeout()) < 0 || timeout.compareTo(builds.maxTimeout()) > 0) {
                errors.add(new FieldViolation("timeout", "must be between " + builds.minTimeout() + " and "
                        + builds.maxTimeout()));
            }
            return timeout;
        } catch (DateTimeParseException e) {
            errors.add(new FieldViolation("timeout", "must be an ISO-8601 duration such as PT2H"));
            return null;
        }
    }

    private static String required(List<FieldViolation> errors, String field, String value, List<String> allowed) {
        if (value == null) {
            errors.add(new FieldViolation(field, "is required; one of " + String.join(", ", allowed)));
            return null;
        }
        if (!allowed.contains(value)) {
            errors.add(new FieldViolation(field, "must be one of " + String.join(", ", allowed)));
            return null;
        }
        return value;
    }

    private static String pattern(List<FieldViolation> errors, String field, String value, Pattern pattern,
            String expectation) {
        if (value == null) {
            errors.add(new FieldViolation(field, "is required; it " + expectation));
            return null;
        }
        if (!pattern.matcher(value).matches()) {
            errors.add(new FieldViolation(field, expectation));
            return null;
        }
        return value;
    }

    private static String optionalPattern(List<FieldViolation> errors, String field, String value, Pattern pattern,
            String expectation, String fallback) {
        return value == null ? fallback : pattern(errors, field, value, pattern, expectation);
    }

    /** Echo a rejected key back without letting it forge anything in the reply. */
    private static String printableExcerpt(String key) {
        StringBuilder safe = new StringBuilder();
        key.codePoints().limit(64).forEach(cp -> safe.appendCodePoint(
                cp >= 0x20 && cp < 0x7f ? cp : '?'));
        return Objects.toString(safe);
    }
}
