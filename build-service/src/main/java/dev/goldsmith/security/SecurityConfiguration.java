package dev.goldsmith.security;

import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import dev.goldsmith.problems.Problems;
import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Who may call what. Reads are open to every human role; submitting and cancelling need builder; promotion,
 * revocation and sharing of images need promoter; registering and deleting installer media need builder (every
 * human role reads them); tokens and the audit log need admin; the worker protocol needs a worker token,
 * whose lease checks happen in the lease service. Team checks (whose builds, images and channels) happen in the
 * services. The provenance public key is open to anyone.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    private static final String[] HUMANS = {"READER", "BUILDER", "PROMOTER", "ADMIN"};

    /**
     * No Spring Security observations. Switching them off by name only makes each one a no-op: the chain would
     * still wrap every filter of every request in two observations.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, TokenService tokens, Problems problems) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(tokens, problems), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> problems.write(request, response,
                                Problems.of(HttpStatus.UNAUTHORIZED, "A bearer token is required.")))
                        .accessDeniedHandler((request, response, ex) -> problems.write(request, response,
                                Problems.of(HttpStatus.FORBIDDEN, "This token's roles do not allow this request."))))
                .authorizeHttpRequests(a -> a
                        // Streaming responses and error pages re-enter the chain; the request was checked already.
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/error", "/actuator/health", "/actuator/health/**",
                                "/api/v1/openapi.yaml", "/api/v1/provenance/public-key").permitAll()
                        // A download link is its own authorisation (an HMAC of the file's name).
                        .requestMatchers(GET, "/api/v1/downloads/*/*").permitAll()
                        .requestMatchers(HEAD, "/api/v1/downloads/*/*").permitAll()
                        .requestMatchers(POST, "/api/v1/builds", "/api/v1/builds/*/cancel").hasAnyRole("BUILDER", "ADMIN")
                        .requestMatchers(GET, "/api/v1/builds", "/api/v1/builds/**").hasAnyRole(HUMANS)
                        .requestMatchers(GET, "/api/v1/images", "/api/v1/images/**", "/api/v1/registry/**").hasAnyRole(HUMANS)
                        .requestMatchers(POST, "/api/v1/images/*/revoke").hasAnyRole("PROMOTER", "ADMIN")
                        .requestMatchers(PUT, "/api/v1/images/*/shared").hasAnyRole("PROMOTER", "ADMIN")
                        .requestMatchers(PUT, "/api/v1/channels/**").hasAnyRole("PROMOTER", "ADMIN")
                        .requestMatchers(DELETE, "/api/v1/channels/*/*/*/policy").hasAnyRole("PROMOTER", "ADMIN")
                        .requestMatchers(POST, "/api/v1/channels/*/*/*/rebuild").hasAnyRole("PROMOTER", "ADMIN")
                        .requestMatchers(GET, "/api/v1/channels/*/*/*", "/api/v1/channels/*/*/*/policy")
                                .hasAnyRole(HUMANS)
                        .requestMatchers(GET, "/api/v1/installers", "/api/v1/installers/*",
                                "/api/v1/installers/*/refreshes", "/api/v1/installers/*/refreshes/*").hasAnyRole(HUMANS)
                        .requestMatchers(POST, "/api/v1/installers/*/refresh").hasRole("ADMIN")
                        .requestMatchers(POST, "/api/v1/installers", "/api/v1/installers/*/complete")
                                .hasAnyRole("BUILDER", "ADMIN")
                        .requestMatchers(DELETE, "/api/v1/installers/*").hasAnyRole("BUILDER", "ADMIN")
                        .requestMatchers(GET, "/api/v1/darksites/*").hasAnyRole(HUMANS)
                        .requestMatchers("/api/v1/tokens", "/api/v1/tokens/**").hasRole("ADMIN")
                        .requestMatchers(GET, "/api/v1/audit").hasRole("ADMIN")
                        .requestMatchers("/api/v1/workers", "/api/v1/workers/**", "/api/v1/leases/**").hasRole("WORKER")
                        .requestMatchers("/actuator/**").hasRole("ADMIN")
                        .anyRequest().denyAll());
        return http.build();
    }
}
