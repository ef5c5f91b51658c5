package dev.goldsmith.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LeaseContextTest {

    @Test
    void printingALeaseNeverShowsItsSecretValues() {
        LeaseContext lease = new LeaseContext(UUID.randomUUID(), UUID.randomUUID(), 2, UUID.randomUUID(), false,
                List.of("s3cret-Pa55word", "hunter22"));

        assertThat(lease.toString())
                .doesNotContain("s3cret-Pa55word")
                .doesNotContain("hunter22")
                .contains(lease.buildId().toString())
                .contains("2 hidden");
    }
}
