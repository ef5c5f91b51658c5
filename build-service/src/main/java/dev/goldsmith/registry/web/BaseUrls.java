package dev.goldsmith.registry.web;

import dev.goldsmith.GoldsmithProperties;
import dev.goldsmith.registry.ImageUrls;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.util.ForwardedHeaderUtils;

/**
 * The base of the absolute URLs in registry answers: {@code goldsmith.public-url} when set, else the request's
 * own scheme, host and port as the client saw them ({@code Forwarded} / {@code X-Forwarded-*} from a proxy
 * honoured here only, so nothing else in the service trusts those headers).
 */
@Component
class BaseUrls {

    private final String publicUrl;

    BaseUrls(GoldsmithProperties properties) {
        String configured = properties.publicUrl();
        this.publicUrl = configured == null || configured.isBlank() ? null : configured.replaceAll("/+$", "");
    }

    ImageUrls of(HttpServletRequest request) {
        if (publicUrl != null) {
            return new ImageUrls(publicUrl);
        }
        ServletServerHttpRequest server = new ServletServerHttpRequest(request);
        String base = ForwardedHeaderUtils.adaptFromForwardedHeaders(server.getURI(), server.getHeaders())
                .replacePath(request.getContextPath())
                .replaceQuery(null)
                .fragment(null)
                .build()
                .toUriString();
        return new ImageUrls(base);
    }
}
