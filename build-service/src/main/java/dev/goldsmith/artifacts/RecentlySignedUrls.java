package dev.goldsmith.artifacts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Presigned GET URLs handed out again while they have more than half their life left: signing (SigV4 through
 * the minio client) was most of a worker's claim. Every URL given out stays valid for at least half the expiry.
 */
final class RecentlySignedUrls {

    private static final int MAX_REMEMBERED = 4096;

    private final Duration reuseFor;
    private final Clock clock;
    private final Function<String, String> sign;
    private final Map<String, Signed> recent = new ConcurrentHashMap<>();

    private record Signed(String url, Instant at) {
    }

    RecentlySignedUrls(Duration expiry, Clock clock, Function<String, String> sign) {
        this.reuseFor = expiry.dividedBy(2);
        this.clock = clock;
        this.sign = sign;
    }

    String get(String objectKey) {
        Instant now = clock.instant();
        Signed signed = recent.get(objectKey);
        if (signed != null && now.isBefore(signed.at().plus(reuseFor))) {
            return signed.url();
        }
        String url = sign.apply(objectKey);
        if (recent.size() >= MAX_REMEMBERED) {
            recent.clear();
        }
        recent.put(objectKey, new Signed(url, now));
        return url;
    }
}
