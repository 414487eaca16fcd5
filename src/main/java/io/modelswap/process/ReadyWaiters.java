package io.modelswap.process;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Promise;

/**
 * The {@link ModelProcess#ensureReady()} callers waiting for their model to be ready (or for the start that follows
 * the stop under way). Owned by the process's owner context, like the rest of its state: no lock.
 */
final class ReadyWaiters {

    private final List<Promise<Void>> waiting = new ArrayList<>();

    void add(Promise<Void> waiter) {
        waiting.add(waiter);
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Every waiter, handed over: none is left waiting here. */
    List<Promise<Void>> takeAll() {
        List<Promise<Void>> taken = new ArrayList<>(waiting);
        waiting.clear();
        return taken;
    }

    /** The model is ready: every waiter is told. */
    void completeAll() {
        takeAll().forEach(Promise::tryComplete);
    }

    /** The start failed or was aborted: every waiter gets {@code failure}. */
    void failAll(StartFailedException failure) {
        takeAll().forEach(p -> p.tryFail(failure));
    }
}
