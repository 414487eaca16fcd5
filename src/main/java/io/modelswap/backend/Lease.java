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

    /** The request is finished (successfully or not); every call after the first does nothing. */
    void release();
}
