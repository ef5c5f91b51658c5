package dev.goldsmith.problems;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;

/** Every error a controller raises leaves as problem+json; no stack trace ever reaches a client. */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    private final DataSource dataSource;

    public ProblemAdvice(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        problem.setType(URI.create(e.type()));
        problem.setTitle(e.title());
        e.properties().forEach(problem::setProperty);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
        // Whole seconds, rounded up: a client that waits exactly this long is past the limit.
        e.retryAfter().ifPresent(wait -> response.header(HttpHeaders.RETRY_AFTER,
                Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000))));
        return response.body(problem);
    }

    @ExceptionHandler({CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class,
            DataAccessResourceFailureException.class, QueryTimeoutException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception e) {
        log.warn("Database unavailable: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(Problems.unavailable("The database is unreachable; retry shortly."));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> badParameter(MethodArgumentTypeMismatchException e) {
        throw ApiException.invalid(e.getName(), "is not a valid value");
    }

    /** A query parameter that is not percent-encoded UTF-8: Tomcat refuses to decode it. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameter(InvalidParameterException e) {
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST,
                "A query parameter is not valid percent-encoded UTF-8."));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (isDatabaseDown(e) || involvesDatabase(e) && !databaseAnswers()) {
            return databaseUnavailable(e);
        }
        log.error("Unexpected error", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred."));
    }

    /** A failed rollback hides why a statement failed; asking the database settles whether it is down. */
    private boolean databaseAnswers() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static boolean involvesDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException || t instanceof org.springframework.dao.DataAccessException
                    || t instanceof org.springframework.transaction.TransactionException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDatabaseDown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof org.hibernate.exception.JDBCConnectionException
                    || t instanceof CannotGetJdbcConnectionException
                    || t instanceof java.net.ConnectException
                    // SQLSTATE class 08: connection exception (the server went away mid-request).
                    || t instanceof SQLException sql && sql.getSQLState() != null
                            && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PayloadTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                        .body(Problems.of(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage()));
            }
            if (t instanceof DatabindException databind && !databind.getPath().isEmpty()) {
                String field = JsonPaths.of(databind.getPath());
                ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST,
                        field + ": " + JsonPaths.reason(databind));
                problem.setProperty("errors", List.of(new FieldViolation(field, JsonPaths.reason(databind))));
                return ResponseEntity.badRequest().body(problem);
            }
            if (t instanceof StreamReadException read && JsonPaths.duplicate(read).isPresent()) {
                String field = JsonPaths.duplicate(read).get();
                ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, field + ": is given more than once");
                problem.setProperty("errors", List.of(new FieldViolation(field, "is given more than once")));
                return ResponseEntity.badRequest().body(problem);
            }
            if (t instanceof JacksonException) {
                return ResponseEntity.badRequest()
                        .body(Problems.of(HttpStatus.BAD_REQUEST, "The body is not valid JSON."));
            }
        }
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "The request body is missing or unreadable."));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem
                && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
            problem.setType(URI.create(Problems.typeFor(statusCode)));
        }
        return response;
    }
}
