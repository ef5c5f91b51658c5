package dev.goldsmith.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {

    @Test
    void aCallThatGotNoAnswerOrA503IsTriedAgainUntilItIsAnswered() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        String answer = Retry.untilAnswered("test", () -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw new IOException("connection refused");
            }
            if (n == 2) {
                throw new ProtocolException(503, "database hangs");
            }
            return "answered";
        }, Duration.ofSeconds(30), () -> false);

        assertThat(answer).isEqualTo("answered");
        assertThat(calls).hasValue(3);
    }

    @Test
    void aRefusalIsNotTriedAgain() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> Retry.untilAnswered("test", () -> {
            calls.incrementAndGet();
            throw new ProtocolException(409, "lease lost");
        }, Duration.ofSeconds(30), () -> false)).isInstanceOf(ProtocolException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void noMoreTriesOnceTheBuildIsStoppedOrThePatienceIsSpent() {
        assertThatThrownBy(() -> Retry.untilAnswered("test", () -> {
            throw new IOException("down");
        }, Duration.ofSeconds(30), () -> true)).hasMessage("down");
        assertThatThrownBy(() -> Retry.untilAnswered("test", () -> {
            throw new IOException("still down");
        }, Duration.ofMillis(500), () -> false)).hasMessage("still down");
    }
}
