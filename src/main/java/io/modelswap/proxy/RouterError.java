package io.modelswap.proxy;

import io.modelswap.router.RouterException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;

/**
 * What a refusal of the router looks like to a client, in one place for every endpoint that asks the router for a
 * model (the proxy, the loading stream, the load endpoints and their dialects): status, OpenAI error code and
 * message. Status 0 means the client has gone and nobody is left to tell.
 */
public record RouterError(int status, String code, String message) {

    private static final Logger LOG = Logger.getLogger(RouterError.class);

    public static RouterError of(Throwable cause) {
        if (!(cause instanceof RouterException e)) {
            LOG.error("unexpected failure while routing a request", cause);
            return new RouterError(500, "internal_error", "internal error: " + cause);
        }
        return switch (e.kind()) {
            case UNKNOWN_MODEL, MODEL_REMOVED -> new RouterError(404, "model_not_found", e.getMessage());
            case CONCURRENCY_LIMIT -> new RouterError(429, "concurrency_limit", e.getMessage());
            case START_FAILED -> new RouterError(502, "upstream_start_failed", e.getMessage());
            case START_TIMEOUT -> new RouterError(504, "upstream_start_timeout", e.getMessage());
            case UPSTREAM_FAILED -> new RouterError(502, "bad_gateway", e.getMessage());
            case SHUTTING_DOWN -> new RouterError(503, "shutting_down", e.getMessage());
            case UNLOADED -> new RouterError(503, "model_unloaded", e.getMessage());
            case CANCELLED -> new RouterError(0, "cancelled", e.getMessage());
        };
    }

    /** The OpenAI error envelope of this refusal (for an event stream's last event). */
    public JsonObject body() {
        return OpenAiError.body(status, code, message);
    }

    /** Answers the refusal (with {@code Retry-After} on a 429); nothing when the client has gone. */
    public void send(HttpServerResponse response) {
        if (status == 0) {
            return;
        }
        if (status == 429) {
            response.putHeader("Retry-After", "1");
        }
        OpenAiError.send(response, status, code, message);
    }
}
