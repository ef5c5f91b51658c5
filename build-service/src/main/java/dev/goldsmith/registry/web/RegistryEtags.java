package dev.goldsmith.registry.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * ETags on what clients poll: registry answers and image versions. A client sending the ETag back in
 * {@code If-None-Match} gets {@code 304} without a body while nothing changed.
 */
@Configuration(proxyBeanMethods = false)
class RegistryEtags {

    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> registryEtagFilter() {
        FilterRegistrationBean<ShallowEtagHeaderFilter> registration =
                new FilterRegistrationBean<>(new ShallowEtagHeaderFilter());
        registration.addUrlPatterns("/api/v1/registry/*", "/api/v1/images/*", "/api/v1/images");
        registration.setName("registryEtagFilter");
        return registration;
    }
}
