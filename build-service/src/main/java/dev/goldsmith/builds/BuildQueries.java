package dev.goldsmith.builds;

import dev.goldsmith.api.BuildPage;
import dev.goldsmith.api.BuildView;
import dev.goldsmith.api.TestReport;
import dev.goldsmith.builds.persistence.BuildEntity;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.builds.persistence.BuildRepository;
import dev.goldsmith.problems.ApiException;
import dev.goldsmith.security.Caller;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Reads builds for the API: one build, history pages, logs and test reports, each within the caller's team. */
@Service
@Transactional(readOnly = true)
public class BuildQueries {

    private final BuildRepository builds;
    private final BuildRecords records;
    private final BuildViews views;
    private final JdbcClient jdbc;
    private final JsonMapper json;

    public BuildQueries(BuildRepository builds, BuildRecords records, BuildViews views, JdbcClient jdbc,
            JsonMapper json) {
        this.builds = builds;
        this.records = records;
        this.views = views;
        this.jdbc = jdbc;
        this.json = json;
    }

    public BuildView get(Caller caller, UUID id) {
        return views.of(visible(caller, id));
    }

    /**
     * The fingerprint inputs that differ from build {@code from} to build {@code to} (secret answers by key only):
     * what a diff of their images says of inputs. The caller was allowed to see both images.
     */
    public List<dev.goldsmith.api.InputChange> inputChanges(UUID from, UUID to) {
        return BuildInputs.of(builds.findById(to).orElseThrow())
                .changesSince(BuildInputs.of(builds.findById(from).orElseThrow()));
    }

    /** A build as a channel policy's last rebuild, whoever asks (the channel was checked already). */
    public java.util.Optional<RebuildSummary> rebuild(UUID id) {
        return builds.findById(id).map(b -> new RebuildSummary(b.getId(), b.getStatus(), b.getImageName(),
                b.getRebuildOf(), b.getRebuildOf() == null ? null
                        : builds.findById(b.getRebuildOf()).map(BuildEntity::getImageName).orElse(null),
                b.getFailureCode(), b.getFailureReason(), b.getFinishedAt()));
    }

    /** Fails with 404 unless the caller may see the build. */
    public void requireVisible(Caller caller, UUID id) {
        visible(caller, id);
    }

    /** The build if the caller may see it; another team's build is "not found", not "forbidden". */
    BuildEntity visible(Caller caller, UUID id) {
        return builds.findById(id)
                .filter(build -> caller.canSee(build.getTeam()))
                .orElseThrow(() -> ApiException.notFound("No build " + id + "."));
    }

    public BuildPage history(BuildHistoryQuery query) {
        StringBuilder sql = new StringBuilder("select id from builds where true");
        MapSqlParameterSource params = new MapSqlParameterSource();
        if (query.team() != null) {
            sql.append(" and team = :team");
            params.addValue("team", query.team());
        }
        if (query.status() != null) {
            sql.append(" and status = :status");
            params.addValue("status", query.status());
        }
        if (query.distro() != null) {
            sql.append(" and distro = :distro");
            params.addValue("distro", query.distro());
        }
        if (query.profile() != null) {
            sql.append(" and profile = :profile");
            params.addValue("profile", query.profile());
        }
        if (query.labelKey() != null) {
            if (query.labelValue() != null) {
                sql.append(" and labels @> cast(:labels as jsonb)");
                params.addValue("labels", json.writeValueAsString(Map.of(query.labelKey(), query.labelValue())));
            } else {
                sql.append(" and jsonb_exists(labels, :labelKey)");
                params.addValue("labelKey", query.labelKey());
            }
        }
        if (query.since() != null) {
            sql.append(" and created_at >= :since");
            params.addValue("since", Timestamp.from(query.since()));
        }
        if (query.after() != null) {
            sql.append(" and (created_at, id) < (:afterCreated, :afterId)");
            params.addValue("afterCreated", Timestamp.from(query.after().createdAt()));
            params.addValue("afterId", query.after().id());
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        params.addValue("limit", query.limit() + 1);
        List<UUID> ids = jdbc.sql(sql.toString()).paramSource(params).query(UUID.class).list();
        boolean more = ids.size() > query.limit();
        List<UUID> page = more ? ids.subList(0, query.limit()) : ids;
        Map<UUID, BuildEntity> byId = builds.findAllById(page).stream()
                .collect(Collectors.toMap(BuildEntity::getId, Function.identity()));
        List<BuildView> items = new ArrayList<>();
        page.forEach(id -> items.add(views.summary(byId.get(id))));
        String next = null;
        if (more) {
            BuildEntity last = byId.get(page.getLast());
            next = encodeCursor(new BuildHistoryQuery.Cursor(last.getCreatedAt(), last.getId()));
        }
        return new BuildPage(items, next);
    }

    public TestReport tests(Caller caller, UUID id) {
        BuildEntity build = visible(caller, id);
        int attempt = records.lastTestedAttempt(build.getId()).orElse(build.getAttempt());
        var checks = records.checks(build.getId(), attempt);
        int passed = (int) checks.stream().filter(c -> c.passed()).count();
        return new TestReport(build.getId(), attempt, passed, checks.size() - passed, checks);
    }

    public static String encodeCursor(BuildHistoryQuery.Cursor cursor) {
        String raw = cursor.createdAt().toString() + "|" + cursor.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static BuildHistoryQuery.Cursor decodeCursor(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            return new BuildHistoryQuery.Cursor(Instant.parse(raw.substring(0, bar)),
                    UUID.fromString(raw.substring(bar + 1)));
        } catch (RuntimeException e) {
            throw ApiException.invalid("cursor", "is not a cursor this API returned");
        }
    }

}
