package dev.goldsmith.builds.web;

import dev.goldsmith.api.BuildPage;
import dev.goldsmith.api.BuildRequest;
import dev.goldsmith.api.BuildView;
import dev.goldsmith.api.JUnitReport;
import dev.goldsmith.api.TestReport;
import dev.goldsmith.builds.BuildCancellation;
import dev.goldsmith.builds.BuildDefaults;
import dev.goldsmith.builds.BuildHistoryQuery;
import dev.goldsmith.builds.BuildLogs;
import dev.goldsmith.builds.BuildQueries;
import dev.goldsmith.builds.LogFollowers;
import dev.goldsmith.builds.BuildSubmissionService;
import dev.goldsmith.builds.Submission;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.problems.QueryParameters;
import dev.goldsmith.security.Caller;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
class BuildController {

    private static final List<String> STATUSES = List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9._:/@+=-]{0,128}");

    private final BuildSubmissionService submissions;
    private final BuildQueries queries;
    private final BuildCancellation cancellation;
    private final BuildLogs logs;
    private final LogFollowers followers;

    BuildController(BuildSubmissionService submissions, BuildQueries queries, BuildCancellation cancellation,
            BuildLogs logs, LogFollowers followers) {
        this.submissions = submissions;
        this.queries = queries;
        this.cancellation = cancellation;
        this.logs = logs;
        this.followers = followers;
    }

    @PostMapping(path = "/api/v1/builds", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<BuildView> submit(@RequestBody BuildRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        Submission submission = submissions.submit(Caller.current(), request, idempotencyKey);
        BuildView build = submission.build();
        return ResponseEntity.status(build.cached() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/builds/" + build.id()))
                .body(build);
    }

    @GetMapping("/api/v1/builds")
    BuildPage history(@RequestParam(required = false) String status,
            @RequestParam(required = false) String distro,
            @RequestParam(required = false) String profile,
            @RequestParam(required = false) String label,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        Caller caller = Caller.current();
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid("status", "must be one of " + String.join(", ", STATUSES));
        }
        if (distro != null && !BuildDefaults.DISTROS.contains(distro)) {
            throw ApiException.invalid("distro", "must be one of " + String.join(", ", BuildDefaults.DISTROS));
        }
        if (profile != null && !BuildDefaults.PROFILES.contains(profile)) {
            throw ApiException.invalid("profile", "must be one of " + String.join(", ", BuildDefaults.PROFILES));
        }
        String labelKey = null;
        String labelValue = null;
        if (label != null) {
            int eq = label.indexOf('=');
            labelKey = eq < 0 ? label : label.substring(0, eq);
            labelValue = eq < 0 ? null : label.substring(eq + 1);
            if (!LABEL_KEY.matcher(labelKey).matches() || labelValue != null && !LABEL_VALUE.matcher(labelValue).matches()) {
                throw ApiException.invalid("label", "must be key or key=value as in a build's labels");
            }
        }
        Instant sinceInstant = QueryParameters.since(since);
        int pageSize = QueryParameters.limit(limit);
        var after = cursor == null ? null : BuildQueries.decodeCursor(cursor);
        return queries.history(new BuildHistoryQuery(caller.isAdmin() ? null : caller.team(), status, distro, profile,
                labelKey, labelValue, sinceInstant, pageSize, after));
    }

    @GetMapping("/api/v1/builds/{id}")
    BuildView get(@PathVariable UUID id) {
        return queries.get(Caller.current(), id);
    }

    @PostMapping("/api/v1/builds/{id}/cancel")
    BuildView cancel(@PathVariable UUID id) {
        cancellation.cancel(Caller.current(), id);
        return queries.get(Caller.current(), id);
    }

    @GetMapping(path = "/api/v1/builds/{id}/tests", produces = MediaType.APPLICATION_JSON_VALUE)
    TestReport tests(@PathVariable UUID id) {
        return queries.tests(Caller.current(), id);
    }

    /** The same checks as JUnit XML, for CI dashboards ({@code Accept: application/xml}). */
    @GetMapping(path = "/api/v1/builds/{id}/tests", produces = MediaType.APPLICATION_XML_VALUE)
    String testsAsJUnit(@PathVariable UUID id) {
        Caller caller = Caller.current();
        return JUnitReport.render(queries.get(caller, id).tests(), queries.tests(caller, id).checks());
    }

    /** The stored log as text; with {@code follow=true} it keeps streaming until the build ends. */
    @GetMapping(path = "/api/v1/builds/{id}/logs", produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<StreamingResponseBody> logs(@PathVariable UUID id,
            @RequestParam(defaultValue = "false") boolean follow) {
        queries.requireVisible(Caller.current(), id);
        LogFollowers.Permit permit = follow ? followers.admit() : null;
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
                .body(out -> {
                    try {
                        logs.write(id, follow, out);
                    } finally {
                        if (permit != null) {
                            permit.close();
                        }
                    }
                });
    }
}
