package dev.goldsmith.worker.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class AnswersFileTest {

    private static final String TRICKY = " \"'#=$`\\;&|<>(){}[]*?~!%^,.:/@+-_ ";

    /** Property: whatever printable values are accepted, a kldload-style reader gets exactly them back. */
    @RepeatedTest(200)
    void everyAcceptedAnswerSetReadsBackExactly() {
        Random random = new Random();
        TreeMap<String, String> answers = new TreeMap<>();
        int keys = 1 + random.nextInt(12);
        for (int i = 0; i < keys; i++) {
            answers.put("KLDLOAD_K" + random.nextInt(1000), randomValue(random));
        }

        Map<String, String> readBack = AnswersFile.parse(AnswersFile.render("a header", answers));

        assertThat(readBack).isEqualTo(answers);
    }

    private static String randomValue(Random random) {
        StringBuilder value = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(4);
            value.append(switch (kind) {
                case 0 -> TRICKY.charAt(random.nextInt(TRICKY.length()));
                case 1 -> (char) ('a' + random.nextInt(26));
                case 2 -> (char) ('0' + random.nextInt(10));
                default -> "äé日🚀".codePoints().mapToObj(Character::toString).toList().get(random.nextInt(4));
            });
        }
        return value.toString();
    }

    @Test
    void valueThatWouldForgeALineIsRefused() {
        var answers = new TreeMap<>(Map.of("KLDLOAD_HOSTNAME", "web1\nKLDLOAD_DISK=/dev/sdb"));

        assertThatThrownBy(() -> AnswersFile.render(null, answers)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesOneQuotedKeyValueLinePerAnswer() {
        String file = AnswersFile.render("built by test", new TreeMap<>(Map.of("KLDLOAD_HOSTNAME", "web1",
                "KLDLOAD_EXTRA_PACKAGES", "vim curl")));

        assertThat(file).isEqualTo("# built by test\nKLDLOAD_EXTRA_PACKAGES=\"vim curl\"\nKLDLOAD_HOSTNAME=\"web1\"\n");
    }

    @Test
    void farmAlwaysSuppliesKeyDiskAndNoRebootBehaviour() {
        var answers = AnswersFile.forBuild(Map.of("KLDLOAD_HOSTNAME", "web1"), "debian", "server", "pw-12345678",
                "ssh-ed25519 AAAA key");

        assertThat(answers).containsEntry("KLDLOAD_SSH_PUBKEY", "ssh-ed25519 AAAA key")
                .containsEntry("KLDLOAD_PASSWORD", "pw-12345678")
                .containsEntry("KLDLOAD_DISK", "/dev/vda")
                .containsEntry("KLDLOAD_NO_AUTO_REBOOT", "0")
                .containsEntry("KLDLOAD_ENABLE_SECURE_BOOT", "0")
                .containsEntry("KLDLOAD_DISTRO", "debian")
                .containsEntry("KLDLOAD_HOSTNAME", "web1");
    }

    @Test
    void parserFollowsKldloadRules() {
        Map<String, String> parsed = AnswersFile.parse("""
                # comment
                   # indented comment

                KLDLOAD_A=plain
                KLDLOAD_B = "spaced out"
                KLDLOAD_C='single'
                KLDLOAD_A=later-wins
                KLDLOAD_D=a#b
                """);

        assertThat(parsed).containsExactly(Map.entry("KLDLOAD_A", "later-wins"), Map.entry("KLDLOAD_B", "spaced out"),
                Map.entry("KLDLOAD_C", "single"), Map.entry("KLDLOAD_D", "a#b"));
        assertThatThrownBy(() -> AnswersFile.parse("KLDLOAD_A=x # comment")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AnswersFile.parse("export KLDLOAD_A=x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AnswersFile.parse("no equals sign")).isInstanceOf(IllegalArgumentException.class);
    }
}
