package dev.goldsmith.support;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Test data builder for queue load: {@code aQueuedBuild().times(1000).insert(jdbc)} writes rows directly.
 * {@code withVerifiedArtifacts()} also records its qcow2 as stored and verified for attempt 1, so load tests can
 * measure the queue without the object store.
 */
public final class QueuedBuilds {

    private int count = 1;
    private String team = "load";
    private boolean verifiedArtifacts;
    private String accel = "any";
    private String labels = "[]";

    private QueuedBuilds() {
    }

    public static QueuedBuilds aQueuedBuild() {
        return new QueuedBuilds();
    }

    public QueuedBuilds times(int value) {
        this.count = value;
        return this;
    }

    public QueuedBuilds forTeam(String value) {
        this.team = value;
        return this;
    }

    /** The acceleration the build asks for: {@code any} (the default) or {@code kvm}. */
    public QueuedBuilds needing(String value) {
        this.accel = value;
        return this;
    }

    /** Worker labels the build asks for, as a JSON array such as {@code ["gpu"]}. */
    public QueuedBuilds withWorkerLabels(String json) {
        this.labels = json;
        return this;
    }

    public QueuedBuilds withVerifiedArtifacts() {
        this.verifiedArtifacts = true;
        return this;
    }

    public List<UUID> insert(JdbcClient jdbc) {
        return jdbc.sql("""
                        with queued as (
                            insert into builds (id, team, status, distro, profile, installer, installer_name,
                                                installer_sha256, answers, formats,
                                                source_repository, source_commit, tests, priority, timeout_seconds,
                                                accel, worker_labels, arch, fingerprint, image_name, max_attempts)
                            select gen_random_uuid(), ?, 'QUEUED', 'debian', 'core', 'reference-tiny', 'reference-tiny',
                                   (select sha256 from installers where name = 'reference-tiny'), '{}',
                                   '["qcow2"]', 'https://git.example.com/load.git', 'abcdef0', 'tiny', 50, 3600,
                                   ?, cast(? as jsonb), 'x86_64', md5(random()::text), 'load-' || gen_random_uuid(), 3
                              from generate_series(1, ?)
                            returning id, image_name),
                        stored as (
                            insert into build_artifacts (build_id, format, file_name, sha256, size, object_key,
                                                         attempt, stored_at)
                            select id, 'qcow2', image_name || '.qcow2', repeat('a', 64), 1024,
                                   'images/' || image_name || '/' || image_name || '.qcow2', 1, now()
                              from queued where ?)
                        select id from queued
                        """)
                .params(team, accel, labels, count, verifiedArtifacts)
                .query(UUID.class)
                .list();
    }
}
