package dev.goldsmith.queue;

import static dev.goldsmith.support.QueuedBuilds.aQueuedBuild;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.Lease;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Instances;
import dev.goldsmith.support.ServiceTest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Claimers on two service instances sharing one database never receive the same build. */
class ConcurrentClaimTest extends ServiceTest {

    private static final int BUILDS = 1_000;
    private static final int WORKERS_PER_INSTANCE = 8;


    @Test
    void claimersOnTwoInstancesNeverShareABuild() throws Exception {
        emptyQueue();
        Set<UUID> queued = new HashSet<>(aQueuedBuild().times(BUILDS).insert(jdbc));

        try (ConfigurableApplicationContext second = Instances.start(sameDatabase("goldsmith.admin-token=" + ADMIN_TOKEN,
                "goldsmith.data-dir=" + Files.createTempDirectory("goldsmith-second-")))) {
            int secondPort = Instances.port(second);
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS_PER_INSTANCE * 2; i++) {
                Worker worker = aWorker("tcg");
                int instancePort = i % 2 == 0 ? port : secondPort;
                workers.add(new Worker(worker.api().onPort(instancePort), worker.id()));
            }

            List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(workers.size());
            List<Future<?>> running = new ArrayList<>();
            for (Worker worker : workers) {
                running.add(pool.submit(() -> {
                    while (true) {
                        Api.Response response = worker.claimResponse("PT0S");
                        if (response.status() == 204) {
                            return;
                        }
                        assertThat(response.status()).as(response.toString()).isEqualTo(200);
                        claimed.add(response.as(Lease.class).build().buildId());
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
            pool.shutdown();

            assertThat(claimed).doesNotHaveDuplicates();
            assertThat(new HashSet<>(claimed)).isEqualTo(queued);
        }
    }
}
