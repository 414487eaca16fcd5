package io.modelswap.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

/**
 * Every step of a request that runs outside the router's own call (a body read's callback, a grant's, a worker's)
 * runs through here, so that no exception leaves a request unanswered: a {@link BadRequestException} becomes its
 * OpenAI-style error, anything else a 500 (logged once, with its stack; the client sees no stack). Vert.x would only
 * log an exception thrown in such a callback and leave the client waiting forever.
 */
public final class RequestGuard {

    private static final Logger LOG = Logger.getLogger(RequestGuard.class);

    private RequestGuard() {
    }

    /** A step of a request; it may throw anything, a failed future's cause included. */
    @FunctionalInterface
    public interface Step {
        void run() throws Throwable;
    }

    /** Runs {@code step}; a failure is answered on {@code response}. */
    public static void run(HttpServerResponse response, String what, Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            answer(response, what, t);
        }
    }

    /** Answers {@code failure} (or resets the connection when the response has already started). */
    public static void answer(HttpServerResponse response, String what, Throwable failure) {
        if (failure instanceof BadRequestException bad) {
            if (bad.closesConnection() && !response.headWritten()) {
                response.putHeader(HttpHeaders.CONNECTION, "close");
            }
            if (bad.status() == 503 && !response.headWritten()) {
                response.putHeader("Retry-After", "1");
            }
            OpenAiError.send(response, bad.status(), bad.code(), bad.getMessage());
            return;
        }
        if (failure instanceof VirtualMachineError fatal && !(fatal instanceof OutOfMemoryError)) {
            throw fatal;
        }
        LOG.errorf(failure, "unexpected failure while %s", what);
        OpenAiError.send(response, 500, "internal_error", "internal error while " + what + " ("
                + failure.getClass().getSimpleName() + "); the modelswap log has the details");
    }
}
