package io.modelswap.backend;

/**
 * Permission to send one request to a ready model, with the {@link Upstream} to send it to. Released exactly once,
 * whatever happened to the client ({@link #release} is idempotent), so that the backend's count of requests in flight
 * is right.
 */
public interface Lease {

    /** Where and how to send the request. */
    Upstream upstream();

    /**
     * The upstream refused the connection, or lost it before answering: its server may have crashed an instant ago.
     * Hands this lease back (no {@link #release} is needed) and asks for the model again; the backend restarts it if it
     * is gone. With {@code requestSent} (the upstream may have received the request) the new lease only ever points
     * to a new instance: the same request is never sent twice to one that still serves.
     */
    Acquisition retryAfterLoss(boolean requestSent);

    /**
     * The model this lease is for when it may differ from the one acquired (a failover selector's candidate): the
     * request is reshaped for it (its {@code model} name, its filters). Null: the model acquired.
     */
    default ServedModel served() {
        return null;
    }

    /**
     * Whether a connection that fails before any byte of the answer (unreachable, lost, no response header in time)
     * moves the request to another target through {@link #retryAfterLoss}, rather than being answered as an error.
     */
    default boolean failsOver() {
        return false;
    }

    /** The request is finished (successfully or not); every call after the first does nothing. */
    void release();
}
