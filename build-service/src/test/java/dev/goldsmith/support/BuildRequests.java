package dev.goldsmith.support;

import dev.goldsmith.api.BuildRequest;
import dev.goldsmith.api.Source;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test data builder: {@code aBuildRequest().withAnswer("KLDLOAD_HOSTNAME", "web1").build()}. */
public final class BuildRequests {


    private String distro = "debian";
    private String profile = "server";
    private String installer = "reference-tiny";
    private final Map<String, String> answers = new LinkedHashMap<>(Map.of(
            "KLDLOAD_HOSTNAME", "golden-ci", "KLDLOAD_USERNAME", "admin", "KLDLOAD_PASSWORD", "s3cret-Pa55word"));
    private List<String> formats = List.of("qcow2");
    private String repository = "https://git.example.com/platform/images.git";
    private String commit = uniqueCommit();
    private String tests;
    private String channel;
    private Integer priority;
    private Map<String, String> labels = Map.of();
    private String accel;
    private List<String> workerLabels;
    private Boolean force;

    private BuildRequests() {
    }

    public static BuildRequests aBuildRequest() {
        return new BuildRequests();
    }

    /** A commit no other test uses, so fingerprints never collide by accident. */
    public static String uniqueCommit() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 40);
    }

    public BuildRequests withDistro(String value) { this.distro = value; return this; }
    public BuildRequests withProfile(String value) { this.profile = value; return this; }
    public BuildRequests withInstaller(String value) { this.installer = value; return this; }
    public BuildRequests withAnswer(String key, String value) { this.answers.put(key, value); return this; }
    public BuildRequests withoutAnswer(String key) { this.answers.remove(key); return this; }
    public BuildRequests withFormats(String... values) { this.formats = List.of(values); return this; }
    public BuildRequests withCommit(String value) { this.commit = value; return this; }
    public BuildRequests withTests(String value) { this.tests = value; return this; }
    public BuildRequests withChannel(String value) { this.channel = value; return this; }
    public BuildRequests withPriority(int value) { this.priority = value; return this; }
    public BuildRequests withLabels(Map<String, String> value) { this.labels = value; return this; }
    public BuildRequests withAccel(String value) { this.accel = value; return this; }
    public BuildRequests withWorkerLabels(String... values) { this.workerLabels = List.of(values); return this; }
    public BuildRequests forced() { this.force = true; return this; }

    public BuildRequest build() {
        return new BuildRequest(distro, profile, installer, Map.copyOf(answers), formats,
                new Source(repository, commit), tests, channel, priority, labels, null, accel, null, workerLabels, force);
    }

    /** As a mutable JSON tree, for tests that break one field at a time. */
    public Map<String, Object> asMap() {
        return Api.JSON.convertValue(build(), Map.class);
    }
}
