package io.modelswap.api;

import io.modelswap.http.ApiErrors;
import io.modelswap.http.OpenAiError;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The REST endpoints' own refusals (a method the resource does not take, an unacceptable media type, ...) in the
 * OpenAI envelope, keeping the headers they carry ({@code Allow} on a 405). Quarkus REST would answer them with an
 * empty body. A response that already has a body (an endpoint's own error) is left as it is.
 */
public class RestErrors {

    /**
     * The REST endpoints' paths and methods, for the {@code Allow} header of a 405 (Quarkus REST's own 405 carries
     * none). {@code RestErrorsTest} checks this table against every resource class, so it cannot drift.
     */
    static final Map<Pattern, String> ALLOWED = Map.of(
            Pattern.compile("/api/metrics/activity"), "GET",
            Pattern.compile("/api/config/reload"), "GET, POST",
            Pattern.compile("/v1/models"), "GET",
            Pattern.compile("/models"), "GET",
            Pattern.compile("/health"), "GET",
            Pattern.compile("/running"), "GET",
            Pattern.compile("/unload"), "GET",
            Pattern.compile("/api/models/unload"), "POST",
            Pattern.compile("/api/models/unload/.+"), "POST",
            Pattern.compile("/api/version"), "GET");

    /** The methods the REST endpoint at {@code path} takes (OPTIONS included), or null when none is there. */
    static String allowedMethods(String path) {
        for (Map.Entry<Pattern, String> entry : ALLOWED.entrySet()) {
            if (entry.getKey().matcher(path).matches()) {
                return entry.getValue() + ", OPTIONS";
            }
        }
        return null;
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, HttpServerRequest request) {
        return map(e, request);
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e, HttpServerRequest request) {
        return map(e, request);
    }

    @ServerExceptionMapper
    public Response notSupported(NotSupportedException e, HttpServerRequest request) {
        return map(e, request);
    }

    @ServerExceptionMapper
    public Response badRequest(BadRequestException e, HttpServerRequest request) {
        return map(e, request);
    }

    /**
     * Not {@code NotFoundException}: an unmatched path goes on to the routes after Quarkus REST (the proxied
     * endpoints' 405s and {@code NotFoundRoute}), which only happens while no mapper claims it.
     */
    static Response map(WebApplicationException e, HttpServerRequest request) {
        Response original = e.getResponse();
        if (original == null) {
            return ApiErrors.error(500, "internal_error", "internal error");
        }
        if (original.hasEntity()) {
            return original;
        }
        int status = original.getStatus();
        String message;
        String allow = original.getHeaderString(HttpHeaders.ALLOW);
        if (allow == null && status == 405) {
            allow = allowedMethods(request.path());
        }
        if (status == 405) {
            message = "method " + request.method() + " is not allowed on " + request.path()
                    + (allow == null ? "" : "; allowed: " + allow);
        } else {
            message = original.getStatusInfo().getReasonPhrase() + ": " + request.method() + " " + request.path();
        }
        Response.ResponseBuilder answer = Response.fromResponse(ApiErrors.error(status, null, message))
                .type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON);
        if (allow != null) {
            answer.header(HttpHeaders.ALLOW, allow);
        }
        return answer.build();
    }
}
