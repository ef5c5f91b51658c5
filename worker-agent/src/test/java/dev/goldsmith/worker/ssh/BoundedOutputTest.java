package dev.goldsmith.worker.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedOutputTest {

    @Test
    void outputBeyondTheLimitIsCountedNotKept() {
        GuestShell.BoundedOutput output = new GuestShell.BoundedOutput(8);

        output.write("0123456789".getBytes(StandardCharsets.UTF_8), 0, 10);
        output.write('x');

        assertThat(output.text()).isEqualTo("01234567\n[3 more bytes of output not kept]");
    }

    @Test
    void outputWithinTheLimitIsKeptAsItCame() {
        GuestShell.BoundedOutput output = new GuestShell.BoundedOutput(8);

        output.write("ok\n".getBytes(StandardCharsets.UTF_8), 0, 3);

        assertThat(output.text()).isEqualTo("ok\n");
    }
}
