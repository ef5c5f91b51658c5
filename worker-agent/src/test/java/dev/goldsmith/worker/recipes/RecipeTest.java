package dev.goldsmith.worker.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldsmith.worker.StopSignal;
import dev.goldsmith.worker.stages.StageFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTest {

    @TempDir
    Path recipes;

    @TempDir
    Path out;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final StopSignal stop = new StopSignal();

    private void recipe(String name, String script) throws IOException {
        Path dir = Files.createDirectories(recipes.resolve(name));
        Path file = dir.resolve("build.sh");
        Files.writeString(file, "#!/usr/bin/env bash\nset -euo pipefail\n" + script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aNameThatIsNotAPlainRecipeNameIsRefused() throws IOException {
        recipe("reference-tiny", "exit 0\n");
        for (String name : List.of("../reference-tiny", "reference-tiny/../x", "", "Reference", "a b", "/etc")) {
            assertThatThrownBy(() -> Recipe.in(recipes, name)).isInstanceOf(StageFailure.class)
                    .hasMessageContaining("not a recipe name")
                    .extracting(e -> ((StageFailure) e).code()).isEqualTo("NO_SUCH_RECIPE");
        }
        assertThatThrownBy(() -> Recipe.in(recipes, "reference-huge")).isInstanceOf(StageFailure.class)
                .hasMessageContaining("no recipe reference-huge");
    }

    @Test
    void resolvingRunsTheRecipeWithResolveAndAnswersItsLock() throws Exception {
        recipe("reference-tiny", """
                [ "$1" = --resolve ]
                echo "build.sh: refreshing apt package lists" >&2
                printf '# lock\\nzlib1g 1:1.2.13.dfsg-1+deb12u1 amd64 abc\\n' >"$2/resolved.lock"
                """);

        String lock = Recipe.in(recipes, "reference-tiny").resolve(out, Duration.ofMinutes(1), log::add, stop);

        assertThat(lock).isEqualTo("# lock\nzlib1g 1:1.2.13.dfsg-1+deb12u1 amd64 abc\n");
        assertThat(log).containsExactly("build.sh: refreshing apt package lists");
    }

    @Test
    void aRecipeThatCannotReachTheArchiveFailsWithItsReason() throws Exception {
        recipe("reference-tiny", """
                echo "build.sh: refreshing apt package lists" >&2
                echo "build.sh: error: cannot reach the package archive (apt-get update failed); nothing was resolved" >&2
                echo "a last line" >&2
                exit 1
                """);

        assertThatThrownBy(() -> Recipe.in(recipes, "reference-tiny").resolve(out, Duration.ofMinutes(1), log::add,
                stop)).isInstanceOf(StageFailure.class)
                .hasMessageContaining("exited 1")
                .hasMessageContaining("cannot reach the package archive")
                .extracting(e -> ((StageFailure) e).code()).isEqualTo("RESOLVE_FAILED");
    }

    @Test
    void aRecipeThatWritesNoLockFails() throws Exception {
        recipe("reference-tiny", "exit 0\n");

        assertThatThrownBy(() -> Recipe.in(recipes, "reference-tiny").resolve(out, Duration.ofMinutes(1), log::add,
                stop)).isInstanceOf(StageFailure.class).hasMessageContaining("wrote no resolved.lock");
    }

    @Test
    void buildingPassesTheResolvedLockAndAnswersTheMedium() throws Exception {
        recipe("reference-tiny", """
                [ $# -eq 1 ]
                cp "$GOLDSMITH_RESOLVED_LOCK" "$1/reference-tiny.img"
                """);
        Path lock = Files.writeString(out.resolve("resolved.lock"), "zlib1g 1 amd64 abc\n");
        Path built = Files.createDirectories(out.resolve("built"));

        Path medium = Recipe.in(recipes, "reference-tiny").build(built, lock, Duration.ofMinutes(1), log::add, stop);

        assertThat(medium).isEqualTo(built.resolve("reference-tiny.img")).hasContent("zlib1g 1 amd64 abc");
    }

    @Test
    void aRecipeThatRunsTooLongIsKilledAndFails() throws Exception {
        recipe("reference-tiny", "sleep 60\n");

        assertThatThrownBy(() -> Recipe.in(recipes, "reference-tiny").resolve(out, Duration.ofMillis(300), log::add,
                stop)).isInstanceOf(StageFailure.class).hasMessageContaining("did not finish within");
    }

    @Test
    void aCancelledJobStopsItsRecipe() throws Exception {
        recipe("reference-tiny", "echo started >&2\nsleep 60\n");
        Recipe recipe = Recipe.in(recipes, "reference-tiny");

        var running = CompletableFuture.supplyAsync(() -> {
            try {
                return recipe.resolve(out, Duration.ofMinutes(5), log::add, stop);
            } catch (StopSignal.StoppedException e) {
                return "stopped: " + e.getMessage();
            } catch (Exception e) {
                return "failed: " + e;
            }
        });
        org.awaitility.Awaitility.await().until(() -> log.contains("started"));
        stop.cancel("cancelled by a test");

        assertThat(running.get()).isEqualTo("stopped: cancelled by a test");
    }

    @Test
    void locksAreTheSameWhateverTheirCommentsOrderAndSpacing() {
        assertThat(PackageLocks.same("# one\na 1 amd64 x\nb 2 all y\n", "b  2 all y\n\na 1 amd64 x")).isTrue();
        assertThat(PackageLocks.same("a 1 amd64 x\n", "a 2 amd64 x\n")).isFalse();
        assertThat(PackageLocks.same("a 1 amd64 x\n", null)).isFalse();
    }
}
