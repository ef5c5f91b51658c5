package dev.goldsmith.provenance;

import dev.goldsmith.builds.AnswerRules;
import dev.goldsmith.builds.BuildSucceeded;
import dev.goldsmith.api.CheckResult;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the provenance of a succeeded build says. External parameters are the request as the farm understood it
 * (defaults filled in) minus every secret: secret answers never reach the build's stored answers, and any key
 * with a secret's name is dropped here once more.
 */
final class ProvenanceStatements {

    static final String BUILD_TYPE = "https://goldsmith.dev/buildtypes/kldload-image/v1";
    private static final String SHA256_PREFIX = "sha256:";

    private final String farmId;
    private final String publicUrl;

    /** {@code publicUrl} roots the byproducts' URIs; blank leaves them relative to the control plane. */
    ProvenanceStatements(String farmId, String publicUrl) {
        this.farmId = stripSlash(farmId);
        this.publicUrl = publicUrl == null ? "" : stripSlash(publicUrl);
    }

    Statement of(BuildSucceeded build, List<Subject> subjects) {
        List<Statement.ResourceDescriptor> subject = subjects.stream()
                .map(s -> new Statement.ResourceDescriptor(s.name(), null, Map.of("sha256", s.sha256()), null, null))
                .toList();
        return new Statement(Statement.TYPE, subject, Statement.SLSA_PROVENANCE, new Statement.Predicate(
                new Statement.BuildDefinition(BUILD_TYPE, externalParameters(build), internalParameters(build),
                        resolvedDependencies(build)),
                new Statement.RunDetails(
                        new Statement.Builder(farmId + "/workers/" + URLEncoder.encode(
                                build.workerName() == null ? "unknown" : build.workerName(), StandardCharsets.UTF_8)),
                        new Statement.Metadata(build.buildId().toString(), timestamp(build.startedAt()),
                                timestamp(build.finishedAt())),
                        byproducts(build))));
    }

    private static Map<String, Object> externalParameters(BuildSucceeded build) {
        Map<String, String> answers = new TreeMap<>();
        build.answers().forEach((key, value) -> {
            if (!AnswerRules.isSecret(key)) {
                answers.put(key, value);
            }
        });
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("distro", build.distro());
        parameters.put("profile", build.profile());
        parameters.put("installer", build.installer());
        parameters.put("answers", answers);
        parameters.put("formats", build.formats());
        parameters.put("source", ordered("repository", build.source().repository(), "commit", build.source().commit()));
        parameters.put("tests", build.tests());
        parameters.put("arch", build.arch());
        return parameters;
    }

    private static Map<String, Object> internalParameters(BuildSucceeded build) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("fingerprint", build.fingerprint());
        parameters.put("imageName", build.imageName());
        parameters.put("team", build.team());
        parameters.put("attempt", build.attempt());
        return parameters;
    }

    /** The installer medium, the darksite it carried (if any) and the build definition, in that order. */
    private List<Statement.ResourceDescriptor> resolvedDependencies(BuildSucceeded build) {
        List<Statement.ResourceDescriptor> dependencies = new ArrayList<>();
        dependencies.add(installer(build));
        if (build.darksite() != null) {
            dependencies.add(darksite(build));
        }
        dependencies.add(buildDefinition(build));
        return dependencies;
    }

    /**
     * The installer medium by its registered name and the digest of the bytes the build booted (a build from
     * before the installer registry has only the name, or the digest it asked for).
     */
    private Statement.ResourceDescriptor installer(BuildSucceeded build) {
        String sha256 = build.installerSha256() != null ? build.installerSha256()
                : build.installer().startsWith(SHA256_PREFIX) ? build.installer().substring(SHA256_PREFIX.length())
                : null;
        return new Statement.ResourceDescriptor("installer", farmId + "/installers/" + build.installerName(),
                sha256 == null ? null : Map.of("sha256", sha256), null, Map.of("name", build.installerName()));
    }

    /**
     * The darksite by its digest ({@code sha256:<hex>}, as {@code GET /api/v1/darksites/{digest}} names it), with
     * how many packages it pins and what the digest is taken over.
     */
    private Statement.ResourceDescriptor darksite(BuildSucceeded build) {
        return new Statement.ResourceDescriptor("darksite", farmId + "/darksites/" + build.darksite(),
                Map.of("sha256", build.darksite().substring(SHA256_PREFIX.length())), null,
                ordered("packages", build.darksitePackages(), "digestOf", "darksite.lock without comment lines"));
    }

    private static Statement.ResourceDescriptor buildDefinition(BuildSucceeded build) {
        String repository = build.source().repository();
        String uri = (repository.startsWith("git+") ? repository : "git+" + repository) + "@" + build.source().commit();
        return new Statement.ResourceDescriptor("build-definition", uri, Map.of("gitCommit", build.source().commit()),
                null, null);
    }

    private List<Statement.ResourceDescriptor> byproducts(BuildSucceeded build) {
        String builds = publicUrl + "/api/v1/builds/" + build.buildId();
        List<CheckResult> checks = build.checks();
        long passed = checks.stream().filter(CheckResult::passed).count();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("suite", build.tests());
        summary.put("passed", passed);
        summary.put("failed", checks.size() - passed);
        summary.put("checks", checks.stream()
                .map(c -> ordered("name", c.name(), "passed", c.passed(), "exitStatus", c.exitStatus()))
                .toList());
        List<Statement.ResourceDescriptor> byproducts = new java.util.ArrayList<>(List.of(
                new Statement.ResourceDescriptor("build-log", builds + "/logs", sha256(build.logSha256()),
                        "text/plain", null),
                new Statement.ResourceDescriptor("test-report", builds + "/tests", sha256(build.testReportSha256()),
                        "application/xml", summary),
                new Statement.ResourceDescriptor("sbom", publicUrl + "/api/v1/images/" + build.imageName() + "/sbom",
                        sha256(build.sbomSha256()), "application/spdx+json", null)));
        if (build.manifestSha256() != null) {
            byproducts.add(new Statement.ResourceDescriptor("file-manifest", publicUrl + "/api/v1/images/"
                    + build.imageName() + "/manifest", sha256(build.manifestSha256()), "text/tab-separated-values",
                    null));
        }
        return byproducts;
    }

    private static Map<String, String> sha256(String hex) {
        return hex == null ? null : Map.of("sha256", hex);
    }

    /** A map that keeps the order given, so the same build always gives the same statement. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String timestamp(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
