package dev.goldsmith.builds;

import dev.goldsmith.api.InputChange;
import dev.goldsmith.builds.persistence.BuildEntity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What defines a build's image, as stored with it: the inputs the fingerprint is taken over, the secret answers
 * by their HMACs only. Two of them compare field by field, which is how a rebuild says what changed and a diff
 * says how two images' inputs differ.
 */
public record BuildInputs(String distro, String profile, String installer, String darksite,
        Map<String, String> answers, Map<String, String> secretDigests, List<String> formats, String repository,
        String commit, String tests, String arch) {

    static final String SECRET = "(secret)";

    static BuildInputs of(BuildEntity b) {
        return new BuildInputs(b.getDistro(), b.getProfile(), medium(b.getInstallerName(), b.getInstallerSha256()),
                b.getDarksite(), b.getAnswers(), b.getSecretDigests(), b.getFormats(), b.getSourceRepository(),
                b.getSourceCommit(), b.getTests(), b.getArch());
    }

    static BuildInputs of(ValidatedRequest r, String darksite, Map<String, String> secretDigests) {
        return new BuildInputs(r.distro(), r.profile(), medium(r.installerName(), r.installerSha256()), darksite,
                r.answers(), secretDigests, r.formats(), r.sourceRepository(), r.sourceCommit(), r.tests(), r.arch());
    }

    private static String medium(String name, String sha256) {
        return name + (sha256 == null ? "" : "@sha256:" + sha256);
    }

    /** The inputs that differ from {@code before} to this, in a stable order; secret values never appear. */
    public List<InputChange> changesSince(BuildInputs before) {
        List<InputChange> changes = new ArrayList<>();
        compare(changes, "distro", before.distro, distro);
        compare(changes, "profile", before.profile, profile);
        compare(changes, "installer", before.installer, installer);
        compare(changes, "darksite", before.darksite, darksite);
        TreeSet<String> keys = new TreeSet<>(before.answers.keySet());
        keys.addAll(answers.keySet());
        keys.forEach(key -> compare(changes, "answers." + key, before.answers.get(key), answers.get(key)));
        TreeSet<String> secrets = new TreeSet<>(before.secretDigests.keySet());
        secrets.addAll(secretDigests.keySet());
        for (String key : secrets) {
            String was = before.secretDigests.get(key);
            String is = secretDigests.get(key);
            if (!Objects.equals(was, is)) {
                changes.add(new InputChange("answers." + key, was == null ? null : SECRET,
                        is == null ? null : was == null ? SECRET : SECRET + " changed"));
            }
        }
        compare(changes, "formats", String.join(",", before.formats), String.join(",", formats));
        compare(changes, "source.repository", before.repository, repository);
        compare(changes, "source.commit", before.commit, commit);
        compare(changes, "tests", before.tests, tests);
        compare(changes, "arch", before.arch, arch);
        return changes;
    }

    private static void compare(List<InputChange> changes, String field, String was, String is) {
        if (!Objects.equals(was, is)) {
            changes.add(new InputChange(field, was, is));
        }
    }
}
