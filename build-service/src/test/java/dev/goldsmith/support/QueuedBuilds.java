package dev.goldsmith.support;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Test data builder for queue load: {@code aQueuedBuild().times(1000).insert(jdbc)} writes rows directly. */
public final class QueuedBuilds {

    private int count = 1;
    private String team = "load";

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

    public List<UUID> insert(JdbcClient jdbc) {
        return jdbc.sql("""
                        insert into builds (id, team, status, distro, profile, installer, answers, formats,
                                            source_repository, source_commit, tests, priority, timeout_seconds, accel,
                                            arch, fingerprint, image_name, max_attempts)
                        select gen_random_uuid(), ?, 'QUEUED', 'debian', 'core', 'reference-tiny', '{}', '["qcow2"]',
                               'https://git.example.com/load.git', 'abcdef0', 'tiny', 50, 3600, 'any', 'x86_64',
                               md5(random()::text), 'load-' || gen_random_uuid(), 3
                          from generate_series(1, ?)
                        returning id
                        """)
                .params(team, count)
                .query(UUID.class)
                .list();
    }
}
