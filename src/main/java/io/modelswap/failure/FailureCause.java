package io.modelswap.failure;

/**
 * Why a request for a model was not served: one typed cause, from the owner that knows it (the scheduler, the run
 * loop, a process owner) through the client's status and OpenAI error code to the activity row and the metric. Nothing
 * downstream recovers a cause from message text.
 */
public enum FailureCause {
    /** No such model or alias. */
    UNKNOWN_MODEL(404, "model_not_found"),
    /** The model's {@code concurrencyLimit} is reached. */
    CONCURRENCY_LIMIT(429, "concurrency_limit"),
    /** modelswap is shutting down. */
    SHUTTING_DOWN(503, "shutting_down"),
    /** The upstream failed to start (spawn error, exited while starting, its port held by someone else). */
    START_FAILED(502, "upstream_start_failed"),
    /** The upstream did not become healthy within {@code healthCheckTimeout}. */
    START_TIMEOUT(504, "upstream_start_timeout"),
    /** The running upstream lost the connection of a request it may have received; it is not sent twice. */
    UPSTREAM_FAILED(502, "bad_gateway"),
    /** A peer (another modelswap, llama-swap or OpenAI-compatible server) could not be reached or lost the request. */
    PEER_FAILED(502, "peer_proxy_error"),
    /** A selector found none of its targets available. */
    NO_TARGET(503, "no_target_available"),
    /** The model was unloaded while the request waited. */
    UNLOADED(503, "model_unloaded"),
    /** The model was removed from the configuration while the request waited. */
    MODEL_REMOVED(404, "model_not_found"),
    /** The model does not fit in GPU memory even with every other model stopped (memory-aware placement). */
    INSUFFICIENT_MEMORY(503, "insufficient_gpu_memory"),
    /** The client went away (or the request was cancelled): nobody is left to tell; activity records 499. */
    CANCELLED(499, "cancelled");

    private final int status;
    private final String code;

    FailureCause(int status, String code) {
        this.status = status;
        this.code = code;
    }

    /** The HTTP status a client gets (499, nginx's "client closed request", for {@link #CANCELLED}). */
    public int status() {
        return status;
    }

    /** The OpenAI error code a client gets. */
    public String code() {
        return code;
    }

    /** Whether anyone is left to answer: false for a request whose client went away. */
    public boolean reachesClient() {
        return this != CANCELLED;
    }

    /** Whether the client is told to retry after a moment ({@code Retry-After}). */
    public boolean retryLater() {
        return this == CONCURRENCY_LIMIT;
    }
}
