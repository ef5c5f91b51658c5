package dev.goldsmith.builds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a\u0000b", "a\tb", "a\u001bb", "a\u0085b", "a\u2028b", "a\u202eb",
            "a\u200bb", "a\ufeffb", "a\u2066b"})
    void controlAndInvisibleCharactersAreUnsafe(String value) {
        assertThat(TextRules.isSafe(value)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "with space", "ünïcödé", "日本語", "emoji 🚀", "quote's \"ok\""})
    void printableTextIsSafe(String value) {
        assertThat(TextRules.isSafe(value)).isTrue();
    }
}
