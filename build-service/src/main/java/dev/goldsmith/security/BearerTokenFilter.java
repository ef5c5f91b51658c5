package dev.goldsmith.security;

import dev.goldsmith.problems.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Resolves {@code Authorization: Bearer <token>} to a {@link Caller}; a wrong token is a 401 at once. */
class BearerTokenFilter extends OncePerRequestFilter {

    private final TokenService tokens;
    private final Problems problems;

    BearerTokenFilter(TokenService tokens, Problems problems) {
        this.tokens = tokens;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 512) {
            problems.write(request, response, Problems.of(HttpStatus.UNAUTHORIZED,
                    "Use 'Authorization: Bearer <token>'."));
            return;
        }
        Caller caller;
        try {
            caller = tokens.authenticate(header.substring(7).trim()).orElse(null);
        } catch (DataAccessException e) {
            response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            problems.write(request, response, Problems.unavailable("The database is unreachable; retry shortly."));
            return;
        }
        if (caller == null) {
            problems.write(request, response, Problems.of(HttpStatus.UNAUTHORIZED, "The token is unknown or revoked."));
            return;
        }
        List<SimpleGrantedAuthority> authorities = caller.roles().stream()
                .map(role -> new SimpleGrantedAuthority("ROLE_" + role.name()))
                .toList();
        var authentication = new UsernamePasswordAuthenticationToken(caller, null, authorities);
        SecurityContextHolder.getContext().setAuthentication(authentication);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
