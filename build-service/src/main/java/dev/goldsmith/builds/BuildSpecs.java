package dev.goldsmith.builds;

import dev.goldsmith.api.BuildSpec;
import dev.goldsmith.api.Source;
import dev.goldsmith.builds.persistence.BuildEntity;
import dev.goldsmith.builds.persistence.BuildRecords;
import dev.goldsmith.builds.persistence.BuildRepository;
import java.time.Duration;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What the worker gets with its lease: the build's inputs, secrets included, and nothing else. */
@Service
public class BuildSpecs {

    private final BuildRepository builds;
    private final BuildRecords records;

    public BuildSpecs(BuildRepository builds, BuildRecords records) {
        this.builds = builds;
        this.records = records;
    }

    @Transactional(readOnly = true)
    public BuildSpec forWorker(UUID buildId, int attempt) {
        BuildEntity b = builds.findById(buildId).orElseThrow();
        TreeMap<String, String> answers = new TreeMap<>(b.getAnswers());
        answers.putAll(records.secrets(buildId));
        return new BuildSpec(b.getId(), attempt, b.getDistro(), b.getProfile(), b.getInstaller(), answers,
                b.getSecretKeys(), b.getFormats(), new Source(b.getSourceRepository(), b.getSourceCommit()),
                b.getTests(), b.getImageName(), Duration.ofSeconds(b.getTimeoutSeconds()));
    }
}
