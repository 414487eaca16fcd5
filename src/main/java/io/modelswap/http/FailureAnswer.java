package io.modelswap.http;

import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;

/**
 * What a request that was not served looks like to a client, in one place for every endpoint that asks for a model
 * (the proxy, the loading stream, the load endpoints and their dialects): the status and OpenAI error code of its
 * {@link FailureCause}, and its message. {@link #reachesClient()} is false when the client has gone and nobody is left
 * to tell.
 *
 * @param status  the HTTP status
 * @param code    the OpenAI error code
 * @param message what the client reads
 * @param cause   the typed cause; null for an unexpected failure (a 500)
 */
public record FailureAnswer(int status, String code, String message, FailureCause cause) {

    private static final Logger LOG = Logger.getLogger(FailureAnswer.class);

    /** The answer to {@code failure}; anything but a {@link ServeFailure} is an internal error, logged once. */
    public static FailureAnswer of(Throwable failure) {
        if (!(failure instanceof ServeFailure served)) {
            LOG.error("unexpected failure while routing a request", failure);
            return new FailureAnswer(500, "internal_error", "internal error: " + failure, null);
        }
        FailureCause cause = served.failureCause();
        return new FailureAnswer(cause.status(), cause.code(), served.getMessage(), cause);
    }

    /** Whether anyone is left to answer (not for a client that went away). */
    public boolean reachesClient() {
        return cause == null || cause.reachesClient();
    }

    /** The OpenAI error envelope of this answer (for an event stream's last event). */
    public JsonObject body() {
        return OpenAiError.body(status, code, message);
    }

    /** Answers the failure (with {@code Retry-After} when the cause says so); nothing when the client has gone. */
    public void send(HttpServerResponse response) {
        if (!reachesClient()) {
            return;
        }
        if (cause != null && cause.retryLater()) {
            response.putHeader("Retry-After", "1");
        }
        OpenAiError.send(response, status, code, message);
    }
}
