package dev.goldsmith.builds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkerTextTest {

    @Test
    void nulAndControlCharactersGoAndWhatXmlForbidsBecomesTheReplacementCharacter() {
        assertThat(WorkerText.clean("a\u0000b\u0007c\r\n\td \uFFFE \uD800 \uDC00 \uD83D\uDE08"))
                .isEqualTo("abc\n\td \uFFFD \uFFFD \uFFFD \uD83D\uDE08");
    }

    @Test
    void aLineCannotForgeAnotherLine() {
        assertThat(WorkerText.line("one\ntwo")).isEqualTo("one two");
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        assertThat(WorkerText.bounded("ab\uD83D\uDE08", 3)).isEqualTo("ab");
        assertThat(WorkerText.bounded("abc", 3)).isEqualTo("abc");
        assertThat(WorkerText.bounded(null, 3)).isEmpty();
    }
}
