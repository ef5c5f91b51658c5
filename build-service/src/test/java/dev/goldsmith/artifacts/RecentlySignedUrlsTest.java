package dev.goldsmith.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentlySignedUrlsTest {

    private static final Instant START = Instant.parse("2026-11-26T12:00:00Z");

    private final List<String> signed = new ArrayList<>();
    private Instant now = START;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final RecentlySignedUrls urls = new RecentlySignedUrls(Duration.ofMinutes(5), clock, key -> {
        signed.add(key);
        return "https://s3.example/" + key + "?signed-at=" + now.getEpochSecond();
    });

    @Test
    void aUrlSignedLessThanHalfItsLifeAgoIsHandedOutAgain() {
        String first = urls.get("installers/a.iso");
        now = START.plus(Duration.ofSeconds(149));

        assertThat(urls.get("installers/a.iso")).isEqualTo(first);
        assertThat(signed).containsExactly("installers/a.iso");
    }

    @Test
    void aUrlAtHalfItsLifeIsSignedAgain() {
        String first = urls.get("installers/a.iso");
        now = START.plus(Duration.ofSeconds(150));

        assertThat(urls.get("installers/a.iso")).isNotEqualTo(first).endsWith("signed-at=" + now.getEpochSecond());
        assertThat(signed).containsExactly("installers/a.iso", "installers/a.iso");
    }

    @Test
    void eachObjectHasItsOwnUrl() {
        assertThat(urls.get("images/a/a.qcow2")).contains("images/a/a.qcow2");
        assertThat(urls.get("images/b/b.qcow2")).contains("images/b/b.qcow2");
        assertThat(signed).containsExactly("images/a/a.qcow2", "images/b/b.qcow2");
    }
}
