package io.modelswap.router.scheduler;

import io.modelswap.failure.ServeFailure;
import io.modelswap.process.StopCause;
import java.util.List;

/**
 * What the scheduler asks the world (the router run loop) to do. Every call happens on the loop; an
 * implementation must not call back into the scheduler synchronously: answers come later as events.
 */
public interface Effects {

    /** Admitted: the ticket holds a slot of its model's concurrency limit. Said once, before any grant or fail. */
    void admit(Ticket t);

    /** Not admitted ({@code UNKNOWN_MODEL}, {@code CONCURRENCY_LIMIT}, {@code SHUTTING_DOWN}); nothing more is said about {@code t}. */
    void reject(Ticket t, ServeFailure why);

    /** 1-based position among queued tickets, said whenever it changes (feeds the loading stream). */
    void queuePosition(Ticket t, int position);

    /**
     * {@code t} left the queue without ending: it now waits for its model's swap (or was granted at once). Said once
     * per stay in the queue, so a display can tell "queued" from "loading".
     */
    default void leftQueue(Ticket t) {
    }

    /** Stop the plan's victims, then make {@code model} ready; answer with {@code onSwapDone(model, ...)}. */
    void startSwap(String model, SwapPlan plan);

    /** Nobody waits for this in-flight swap any more: abort the load. {@code onSwapDone} still follows. */
    void cancelSwap(String model);

    /**
     * Hand the model to {@code t}. True: the request took it and is in flight until {@code onServeDone};
     * false: the request already left, its slot is released and nothing is counted.
     */
    boolean grantServe(Ticket t);

    /** An admitted ticket ends without a grant. */
    void fail(Ticket t, ServeFailure why);

    /** Stop these models; completion is seen through {@code onStateChanged}. */
    void stopModels(List<String> models, StopCause cause);
}
