package dev.goldsmith.installers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldsmith.api.DarksitePackage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The lock parser against a real reference-debian-zfs lock, and the lines it must refuse. */
class DarksiteLockTest {

    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DarksiteLockTest.class.getResourceAsStream("/darksites/" + name)) {
            return in.readAllBytes();
        }
    }

    private static DarksiteLock parse(String text) {
        return DarksiteLock.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRealLockGivesTheDigestItsBuildWroteAndEveryPackage() throws IOException {
        // darksite.sh's output for the medium in docs/performance.md; digest = grep -v '^#' | sha256sum.
        String written = new String(resource("reference-debian-zfs.digest"), StandardCharsets.US_ASCII).strip();

        DarksiteLock lock = DarksiteLock.parse(resource("reference-debian-zfs.lock"));

        assertThat(lock.digest()).isEqualTo(written)
                .isEqualTo("sha256:c903438b749d918f18ca66c17f2b64d9e4a66c2703fa97bb33df4f0e6f5bf844");
        assertThat(lock.packages()).hasSize(254);
        assertThat(lock.packages().getFirst()).isEqualTo(new DarksitePackage("acl", "2.3.1-3", "amd64",
                "a6954f6eaebac71a758b5da0c9aea8e41fe300122c5a19e15d7ccc9f9c04a2f3", 61244));
        assertThat(lock.packages()).anyMatch(p -> p.name().equals("attr") && p.version().equals("1:2.5.1-4"));
    }

    @Test
    void commentLinesAnywhereAndAMissingLastNewlineDoNotChangeTheDigest() {
        String lines = "acl 2.3.1-3 amd64 " + SHA_A + " 61244\nadduser 3.134 all " + SHA_B + " 183272\n";

        String plain = parse(lines).digest();

        assertThat(parse("# header\n" + lines.replace("\nadduser", "\n# between\nadduser")).digest()).isEqualTo(plain);
        assertThat(parse(lines.substring(0, lines.length() - 1)).digest()).isEqualTo(plain);
        assertThat(parse(lines.replace("61244", "61245")).digest()).isNotEqualTo(plain);
    }

    @Test
    void aLineThatIsNotAPackageIsRefusedByItsNumber() {
        String good = "# lock\nacl 2.3.1-3 amd64 " + SHA_A + " 61244\n";

        assertThatThrownBy(() -> parse(good + "adduser 3.134 all " + SHA_B + "\n"))
                .hasMessageStartingWith("line 3 is not 'name version arch sha256 size'");
        assertThatThrownBy(() -> parse(good + "adduser 3.134 all " + SHA_B.toUpperCase() + " 183272\n"))
                .hasMessageStartingWith("line 3 ");
        assertThatThrownBy(() -> parse(good + "adduser  3.134 all " + SHA_B + " 183272\n"))
                .hasMessageStartingWith("line 3 ");
        assertThatThrownBy(() -> parse(good.replace("\n", "\r\n")))
                .hasMessageStartingWith("line 2 ");
        assertThatThrownBy(() -> parse(good + "\n" + "adduser 3.134 all " + SHA_B + " 183272\n"))
                .as("an empty line is hashed like any other, so it is refused").hasMessageStartingWith("line 3 ");
        assertThatThrownBy(() -> parse(good + "acl 2.3.1-4 amd64 " + SHA_B + " 61250\n"))
                .hasMessage("line 3 pins acl:amd64 a second time");
        assertThatThrownBy(() -> parse("# only comments\n")).hasMessage("it pins no package");
    }
}
