package dev.goldsmith.problems;

import dev.goldsmith.api.Problem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Builds problem details with stable types, and writes them where no controller advice reaches (filters). */
@Component
public class Problems {

    private static final Map<Integer, String> TYPE_BY_STATUS = Map.ofEntries(
            Map.entry(400, Problem.MALFORMED),
            Map.entry(401, Problem.UNAUTHORIZED),
            Map.entry(403, Problem.FORBIDDEN),
            Map.entry(404, Problem.NOT_FOUND),
            Map.entry(405, Problem.METHOD_NOT_ALLOWED),
            Map.entry(409, Problem.CONFLICT),
            Map.entry(413, Problem.TOO_LARGE),
            Map.entry(415, Problem.UNSUPPORTED_MEDIA_TYPE),
            Map.entry(422, Problem.VALIDATION),
            Map.entry(429, Problem.RATE_LIMITED),
            Map.entry(503, Problem.UNAVAILABLE));

    private final JsonMapper json;

    public Problems(JsonMapper json) {
        this.json = json;
    }

    public static String typeFor(HttpStatusCode status) {
        return TYPE_BY_STATUS.getOrDefault(status.value(), Problem.INTERNAL);
    }

    public static ProblemDetail of(HttpStatusCode status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(typeFor(status)));
        HttpStatus known = HttpStatus.resolve(status.value());
        problem.setTitle(known != null ? known.getReasonPhrase() : "Error");
        return problem;
    }

    public static ProblemDetail unavailable(String detail) {
        ProblemDetail problem = of(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setProperty("retryable", true);
        return problem;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        if (problem.getInstance() == null) {
            problem.setInstance(URI.create(request.getRequestURI()));
        }
        response.resetBuffer();
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (problem.getStatus() == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.getOutputStream().write(json.writeValueAsBytes(problem));
        response.flushBuffer();
    }
}
