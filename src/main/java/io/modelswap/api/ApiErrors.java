package io.modelswap.api;

import io.modelswap.proxy.OpenAiError;
import io.modelswap.router.RouterException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** OpenAI-style error responses for the REST endpoints. */
final class ApiErrors {

    private ApiErrors() {
    }

    static Response notFound(String message) {
        return error(404, "not_found", message);
    }

    static Response error(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(OpenAiError.body(status, code, message).encode()).build();
    }

    /** The status and code a refusal of the router is answered with (the proxy's mapping). */
    static int statusOf(RouterException e) {
        return switch (e.kind()) {
            case UNKNOWN_MODEL, MODEL_REMOVED -> 404;
            case CONCURRENCY_LIMIT -> 429;
            case START_FAILED -> 502;
            case START_TIMEOUT -> 504;
            case SHUTTING_DOWN, UNLOADED, CANCELLED -> 503;
        };
    }

    static String codeOf(RouterException e) {
        return switch (e.kind()) {
            case UNKNOWN_MODEL, MODEL_REMOVED -> "model_not_found";
            case CONCURRENCY_LIMIT -> "concurrency_limit";
            case START_FAILED -> "upstream_start_failed";
            case START_TIMEOUT -> "upstream_start_timeout";
            case SHUTTING_DOWN -> "shutting_down";
            case UNLOADED -> "model_unloaded";
            case CANCELLED -> "cancelled";
        };
    }
}
