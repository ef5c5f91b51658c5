package dev.goldsmith.registry.web;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.net.AddressRange;
import dev.goldsmith.registry.ImageUrls;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.List;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.util.ForwardedHeaderUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The base of the absolute URLs in registry answers: {@code goldsmith.public-url} when set, else the request's
 * own scheme, host and port. {@code Forwarded} / {@code X-Forwarded-*} say how the client saw them only when the
 * request comes from one of {@code goldsmith.trusted-proxies}: from anyone else those headers would let a caller
 * choose the host that download links and provenance URLs point at. They are honoured here only, so nothing
 * else in the service trusts them.
 */
@Component
class BaseUrls {

    private final String publicUrl;
    private final List<AddressRange> trustedProxies;

    BaseUrls(GoldsmithProperties properties) {
        String configured = properties.publicUrl();
        this.publicUrl = configured == null || configured.isBlank() ? null : configured.replaceAll("/+$", "");
        this.trustedProxies = properties.trustedProxies().stream().map(AddressRange::parse).toList();
    }

    ImageUrls of(HttpServletRequest request) {
        if (publicUrl != null) {
            return new ImageUrls(publicUrl);
        }
        ServletServerHttpRequest server = new ServletServerHttpRequest(request);
        if (!fromTrustedProxy(request)) {
            return new ImageUrls(UriComponentsBuilder.fromUri(server.getURI()).replacePath(request.getContextPath())
                    .replaceQuery(null).fragment(null).build().toUriString());
        }
        String base = ForwardedHeaderUtils.adaptFromForwardedHeaders(server.getURI(), server.getHeaders())
                .replacePath(request.getContextPath())
                .replaceQuery(null)
                .fragment(null)
                .build()
                .toUriString();
        return new ImageUrls(base);
    }

    private boolean fromTrustedProxy(HttpServletRequest request) {
        if (trustedProxies.isEmpty()) {
            return false;
        }
        try {
            // The peer's address is always a literal: no name is looked up.
            InetAddress peer = InetAddress.getByName(request.getRemoteAddr());
            return trustedProxies.stream().anyMatch(range -> range.contains(peer));
        } catch (java.net.UnknownHostException notAnAddress) {
            return false;
        }
    }
}
