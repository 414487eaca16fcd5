package io.modelswap.router;

/**
 * Why the router did not serve a request, with the kind the HTTP side turns into a status code. Messages name the
 * model and, where there is one, what the operator can do.
 */
public final class RouterException extends RuntimeException {

    /** Kinds of refusal, each mapped to one HTTP status by the proxy. */
    public enum Kind {
        /** 404: no such model or alias. */
        UNKNOWN_MODEL,
        /** 429: the model's concurrencyLimit is reached. */
        CONCURRENCY_LIMIT,
        /** 503: modelswap is shutting down. */
        SHUTTING_DOWN,
        /** 502: the upstream failed to start (spawn error, exited while starting). */
        START_FAILED,
        /** 504: the upstream did not become healthy within healthCheckTimeout. */
        START_TIMEOUT,
        /** 502: the running upstream lost the connection of a request it may have received; it is not sent twice. */
        UPSTREAM_FAILED,
        /** 503: the model was unloaded while the request waited. */
        UNLOADED,
        /** 503: the model was removed from the configuration while the request waited. */
        MODEL_REMOVED,
        /** the client went away; nobody sees this one. */
        CANCELLED
    }

    private final Kind kind;
    private final String model;

    public RouterException(Kind kind, String model, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.model = model;
    }

    public Kind kind() {
        return kind;
    }

    public String model() {
        return model;
    }
}
