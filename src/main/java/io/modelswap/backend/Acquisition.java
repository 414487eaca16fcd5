package io.modelswap.backend;

import io.modelswap.progress.LoadProgress;
import io.vertx.core.Future;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One request for a model, from the moment it is asked for until its {@link Lease} is released or it is cancelled.
 * Listeners and futures may be called on a thread of the backend's (the local run loop's): the HTTP side hops back
 * to its own context before touching its connection.
 *
 * <p>Every acquisition ends exactly once, one of three ways: its lease fails (refused, unloaded, the model failed to
 * start: a {@code ServeFailure}), its lease is released, or it is cancelled. {@link #cancel} may be called at any time,
 * as often as anyone likes: it withdraws a request not yet leased and releases a lease already taken.
 */
public interface Acquisition {

    /** The model asked for. */
    ServedModel model();

    /** Succeeds when the request holds a slot of the model's concurrency limit; fails with a {@code ServeFailure}. */
    Future<Void> admission();

    /** Succeeds with the lease when the model is ready for this request; fails with a {@code ServeFailure}. */
    Future<Lease> lease();

    /**
     * Calls {@code listener} with the 1-based queue position whenever it changes, and with 0 when the request leaves
     * the queue to wait for its model's load. A position told before the listener was added is replayed to it.
     */
    void onQueuePosition(IntConsumer listener);

    /** Calls {@code listener} with every step of the model's load while this request waits for its lease. */
    void onLoadProgress(Consumer<LoadProgress> listener);

    /**
     * The client went away, or the request was cancelled: withdraws it if it is not leased yet (the backend hears of
     * it; a load nobody waits for any more is abandoned), and releases the lease if it was. Idempotent.
     */
    void cancel();

    /** Completes when the model is ready, releasing the lease at once: what a load endpoint or a preload asks for. */
    default Future<Void> loadOnly() {
        return lease().map(lease -> {
            lease.release();
            return null;
        });
    }
}
