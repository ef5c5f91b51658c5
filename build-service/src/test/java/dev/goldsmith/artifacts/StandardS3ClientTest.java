package dev.goldsmith.artifacts;

import static dev.goldsmith.support.BuildRequests.aBuildRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.Lease;
import dev.goldsmith.api.LogChunk;
import dev.goldsmith.support.Api;
import dev.goldsmith.support.Completions;
import dev.goldsmith.support.ImageFiles;
import dev.goldsmith.support.ServiceTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The bucket as an operator's standard S3 client sees it: Debian's {@code rclone} lists and reads the layout of
 * DESIGN §6, and {@code sha256sum -c} accepts the checksum files it copies down.
 */
class StandardS3ClientTest extends ServiceTest {

    @Autowired
    EmbeddedObjectStore store;

    @TempDir
    Path download;

    @Test
    void rcloneListsAndReadsTheImageAndBuildLayout() throws Exception {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        Api builder = builder(team);
        emptyQueue();
        UUID id = submit(builder, aBuildRequest().withFormats("qcow2", "vmdk").build());
        Worker worker = aWorker("tcg");
        Lease lease = worker.claim();
        Api.Response logged = worker.api().post("/api/v1/leases/" + lease.leaseId() + "/logs",
                new LogChunk(0, List.of("INSTALL started", "Install completed successfully")));
        assertThat(logged.status()).as(logged.toString()).isIn(200, 204);
        for (String format : List.of("qcow2", "vmdk")) {
            worker.upload(lease, format, ImageFiles.aTinyImage(lease.build().imageName() + "." + format));
        }
        assertThat(worker.complete(lease.leaseId(), Completions.aSuccess()).status()).isEqualTo(200);
        String image = lease.build().imageName();
        Api reader = as(team, "reader");

        List<String> imageFiles = rclone("lsf", "-R", remote("images/" + image + "/")).lines().sorted().toList();
        List<String> buildFiles = rclone("lsf", "-R", remote("builds/" + id + "/")).lines().sorted().toList();
        String checksum = rclone("cat", remote("images/" + image + "/" + image + ".qcow2.sha256"));
        rclone("copy", remote("images/" + image + "/"), download.toString());
        Process check = new ProcessBuilder("sha256sum", "-c", image + ".qcow2.sha256", image + ".vmdk.sha256")
                .directory(download.toFile()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(imageFiles).containsExactly(image + ".provenance.json", image + ".qcow2", image + ".qcow2.sha256",
                image + ".spdx.json", image + ".vmdk", image + ".vmdk.sha256");
        assertThat(buildFiles).containsExactly("logs/", "logs/build.log", "tests.xml");
        assertThat(checksum).isEqualTo(reader.get("/api/v1/images/" + image + "/artifacts/qcow2/sha256").body());
        assertThat(check.waitFor()).as(checked).isZero();
        assertThat(checked).contains(image + ".qcow2: OK", image + ".vmdk: OK");
        assertThat(rclone("cat", remote("builds/" + id + "/logs/build.log")))
                .isEqualTo(reader.get("/api/v1/builds/" + id + "/logs").body())
                .contains("Install completed successfully");
        assertThat(rclone("cat", remote("builds/" + id + "/tests.xml")))
                .isEqualTo(reader.getWithHeader("/api/v1/builds/" + id + "/tests", "Accept", "application/xml").body());
        assertThat(rclone("cat", remote("images/" + image + "/" + image + ".provenance.json")))
                .isEqualTo(reader.get("/api/v1/images/" + image + "/provenance").body());
    }

    private static String remote(String path) {
        return "goldsmith:goldsmith-images/" + path;
    }

    /** rclone configured through its environment only: no config file, path-style S3 at the embedded store. */
    private String rclone(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rclone", "--config", "/dev/null"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("RCLONE_"));
        env.put("RCLONE_CONFIG_GOLDSMITH_TYPE", "s3");
        env.put("RCLONE_CONFIG_GOLDSMITH_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_GOLDSMITH_ENDPOINT", store.endpoint());
        env.put("RCLONE_CONFIG_GOLDSMITH_ACCESS_KEY_ID", store.accessKey());
        env.put("RCLONE_CONFIG_GOLDSMITH_SECRET_ACCESS_KEY", store.secretKey());
        env.put("RCLONE_CONFIG_GOLDSMITH_REGION", "us-east-1");
        env.put("RCLONE_CONFIG_GOLDSMITH_FORCE_PATH_STYLE", "true");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("rclone %s: %s", String.join(" ", args), err).isZero();
        return out;
    }
}
