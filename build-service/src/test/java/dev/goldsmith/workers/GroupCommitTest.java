package dev.goldsmith.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.goldsmith.workers.GroupCommit.Pending;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void aCallerAloneWritesItsOwnItemAtOnce() {
        GroupCommit<String, String> commit = new GroupCommit<>(2, 64, upperCasing(batch -> { }));

        assertThat(commit.submit("a")).isEqualTo("A");
        assertThat(batches).containsExactly(List.of("a"));
    }

    @Test
    void callersArrivingWhileABatchIsWrittenShareTheNextBatch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<String, String> commit = new GroupCommit<>(1, 64, upperCasing(holdingTheFirst(release)));
        Future<String> first = callers.submit(() -> commit.submit("first"));
        awaitBatches(1);
        List<Future<String>> later = submitAll(commit, List.of("b", "c", "d", "e"));
        awaitParked(4);

        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("FIRST");
        for (int i = 0; i < later.size(); i++) {
            assertThat(later.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(List.of("B", "C", "D", "E").get(i));
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).containsExactlyInAnyOrder("b", "c", "d", "e");
    }

    @Test
    void aBatchTakesAtMostMaxBatchItems() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<String, String> commit = new GroupCommit<>(1, 2, upperCasing(holdingTheFirst(release)));
        Future<String> first = callers.submit(() -> commit.submit("first"));
        awaitBatches(1);
        List<Future<String>> later = submitAll(commit, List.of("b", "c", "d", "e", "f"));
        awaitParked(5);

        release.countDown();

        first.get(10, TimeUnit.SECONDS);
        for (Future<String> f : later) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(batches).extracting(List::size).containsExactly(1, 2, 2, 1);
    }

    @Test
    void aBatchThatThrowsFailsTheItemsItHeldAndNoOthers() {
        GroupCommit<String, String> commit = new GroupCommit<>(1, 64, upperCasing(batch -> {
            if (batch.contains("bad")) {
                throw new IllegalStateException("database gone");
            }
        }));

        assertThatThrownBy(() -> commit.submit("bad")).hasMessage("database gone");
        assertThat(commit.submit("good")).isEqualTo("GOOD");
    }

    @Test
    void anItemTheBatchLeavesUnansweredFailsInsteadOfHanging() {
        GroupCommit<String, String> commit = new GroupCommit<>(1, 64, batch -> { });

        assertThatThrownBy(() -> commit.submit("forgotten")).hasMessageContaining("unanswered");
    }

    @Test
    void everyCallerGetsItsOwnResultUnderContention() throws Exception {
        Set<String> written = Collections.synchronizedSet(new HashSet<>());
        GroupCommit<String, String> commit = new GroupCommit<>(2, 8, upperCasing(batch -> {
            for (String item : batch) {
                assertThat(written.add(item)).as("written twice: " + item).isTrue();
            }
        }));
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            running.add(callers.submit(() -> {
                for (int i = 0; i < 500; i++) {
                    String item = "t" + thread + "-" + i;
                    assertThat(commit.submit(item)).isEqualTo(item.toUpperCase());
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(60, TimeUnit.SECONDS);
        }

        assertThat(written).hasSize(16 * 500);
        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 8));
    }

    /** A batch action that records each batch, runs {@code then}, and answers each item in upper case. */
    private Consumer<List<Pending<String, String>>> upperCasing(Consumer<List<String>> then) {
        return batch -> {
            List<String> items = batch.stream().map(Pending::item).toList();
            batches.add(items);
            then.accept(items);
            batch.forEach(p -> p.succeed(p.item().toUpperCase()));
        };
    }

    private static Consumer<List<String>> holdingTheFirst(CountDownLatch release) {
        return batch -> {
            if (batch.contains("first")) {
                try {
                    assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private List<Future<String>> submitAll(GroupCommit<String, String> commit, List<String> items) {
        List<Future<String>> futures = new ArrayList<>();
        for (String item : items) {
            futures.add(callers.submit(() -> commit.submit(item)));
            // One at a time, so the queue's order is the list's.
            awaitParked(futures.size());
        }
        return futures;
    }

    private void awaitBatches(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() >= count);
    }

    /** Waits until {@code count} callers are parked in {@link GroupCommit#submit}, waiting for a slot. */
    private static void awaitParked(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> parkedCallers() == count);
    }

    private static long parkedCallers() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.WAITING)
                .filter(e -> e.getValue().length > 1 && e.getValue()[1].getClassName().equals(
                        "java.util.concurrent.locks.LockSupport") && isInSubmit(e.getValue()))
                .count();
    }

    private static boolean isInSubmit(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals(GroupCommit.class.getName()) && frame.getMethodName().equals("submit")) {
                return true;
            }
        }
        return false;
    }
}
