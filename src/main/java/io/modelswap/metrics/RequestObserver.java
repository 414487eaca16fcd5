package io.modelswap.metrics;

/**
 * A feature that follows proxied requests while they run (the in-flight list, the captures). {@link RequestTracker}
 * finds every bean of this type and tells it of each request, so the features depend on this package and not the
 * other way round. Calls come from the request's own context and from the router's loop (queue positions, grants):
 * an implementation must be thread-safe, must not block, and must not throw.
 */
public interface RequestObserver {

    /** {@code request} was submitted to the router; it is live until {@link #ended}. On the request's context. */
    default void begun(LiveRequest request) {
    }

    /**
     * Something shown about {@code request} changed: its state, queue position, response headers or byte counts.
     * Said for every chunk of an answer, so keep it cheap.
     */
    default void changed(LiveRequest request) {
    }

    /** {@code request} is over and {@code row} is its activity row (not yet announced). On the request's context. */
    default void ended(LiveRequest request, ActivityLog.Entry row) {
    }
}
