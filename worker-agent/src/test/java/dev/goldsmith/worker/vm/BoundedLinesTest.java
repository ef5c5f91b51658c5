package dev.goldsmith.worker.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLinesTest {

    private static List<String> lines(String text, int max) throws IOException {
        List<String> lines = new ArrayList<>();
        BoundedLines.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max, lines::add);
        return lines;
    }

    @Test
    void linesEndAtNewlinesAndLoseTheirCarriageReturns() throws IOException {
        assertThat(lines("one\r\ntwo\nlast without newline", 100)).containsExactly("one", "two", "last without newline");
    }

    @Test
    void aLineThatNeverEndsIsCutOnceAndTheRestOfItSkipped() throws IOException {
        assertThat(lines("x".repeat(25) + "\nnext\n", 10)).containsExactly("x".repeat(10) + BoundedLines.CUT, "next");
    }
}
