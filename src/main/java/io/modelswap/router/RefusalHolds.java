package io.modelswap.router;

import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Requests whose upstream refused their connection (or lost it before answering) while the model looked ready, held
 * by the run loop until it knows what became of the upstream: its owner says it still serves, or its state change
 * says it is gone. Then they are submitted like new requests (and restart the model), except that a request the
 * upstream may have received already is never sent to the same instance twice. Used on the loop's context only;
 * entries leave on either answer.
 */
final class RefusalHolds {

    /** A held request; {@code onlyToANewInstance}: never re-sent to the live instance. */
    private record Held(PendingRequest request, boolean onlyToANewInstance) {
    }

    private final Map<String, List<Held>> held = new HashMap<>();

    /** Holds {@code request} for {@code model}; true when it is the first, so the owner must be asked. */
    boolean hold(String model, PendingRequest request, boolean onlyToANewInstance) {
        List<Held> forModel = held.computeIfAbsent(model, m -> new ArrayList<>());
        forModel.add(new Held(request, onlyToANewInstance));
        return forModel.size() == 1;
    }

    /**
     * Lets go of {@code model}'s held requests: each is handed to {@code submit}, but for the instance that still serves
     * ({@code sameInstance}) only those it cannot have received; the others fail with {@code UPSTREAM_FAILED}.
     */
    void release(String model, boolean sameInstance, Consumer<PendingRequest> submit) {
        List<Held> forModel = held.remove(model);
        if (forModel == null) {
            return;
        }
        for (Held h : forModel) {
            if (h.request().grant().isComplete()) {
                continue; // its client left meanwhile and withdrew it: it asks for nothing
            }
            if (sameInstance && h.onlyToANewInstance()) {
                h.request().reject(new ServeFailure(FailureCause.UPSTREAM_FAILED, model, "[" + model
                        + "] the upstream closed the connection without answering, and it still runs; the request"
                        + " is not sent to it twice"));
            } else {
                submit.accept(h.request());
            }
        }
    }
}
