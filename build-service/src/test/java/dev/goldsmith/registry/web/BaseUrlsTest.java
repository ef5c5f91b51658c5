package dev.goldsmith.registry.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.GoldsmithProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.web.MockHttpServletRequest;

/** Forwarded headers choose the host of download links only when a configured proxy sent them. */
class BaseUrlsTest {

    private static BaseUrls trusting(String... proxies) {
        Map<String, Object> settings = new java.util.HashMap<>();
        for (int i = 0; i < proxies.length; i++) {
            settings.put("goldsmith.trusted-proxies[" + i + "]", proxies[i]);
        }
        return new BaseUrls(new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("goldsmith", GoldsmithProperties.class));
    }

    private static MockHttpServletRequest fromPeer(String address) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/registry/debian/core/prod");
        request.setServerName("farm.internal");
        request.setServerPort(8080);
        request.setRemoteAddr(address);
        request.addHeader("X-Forwarded-Proto", "https");
        request.addHeader("X-Forwarded-Host", "evil.example");
        return request;
    }

    @Test
    void withNoTrustedProxyForwardedHeadersAreIgnored() {
        assertThat(trusting().of(fromPeer("203.0.113.7")).base()).isEqualTo("http://farm.internal:8080");
    }

    @Test
    void aPeerOutsideTheTrustedRangesCannotChooseTheHost() {
        assertThat(trusting("10.0.0.0/8").of(fromPeer("192.168.1.9")).base()).isEqualTo("http://farm.internal:8080");
    }

    @Test
    void aTrustedProxyTellsHowTheClientReachedTheFarm() {
        assertThat(trusting("10.0.0.0/8", "fd00::/8").of(fromPeer("10.1.2.3")).base()).isEqualTo("https://evil.example");
        assertThat(trusting("fd00::/8").of(fromPeer("fd00::5")).base()).isEqualTo("https://evil.example");
    }
}
