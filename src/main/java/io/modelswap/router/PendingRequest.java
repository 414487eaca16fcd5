package io.modelswap.router;

import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.modelswap.process.StateChange;
import io.modelswap.router.scheduler.Ticket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The HTTP side's handle on one request while the router decides about it. The run loop completes the promises;
 * their callbacks run on the loop's thread, so the HTTP side hops back to its own context before touching the
 * connection.
 *
 * <p>Handshake: the loop grants with {@code tryComplete}, the HTTP side withdraws with {@code tryFail}. Exactly one
 * of them wins, which is how the loop knows whether the request really took the model (then it is in flight and
 * will be released with {@link Router#serveDone}) or had already gone.
 */
public final class PendingRequest {

    private final Ticket ticket;
    private final Promise<Void> admission = Promise.promise();
    private final Promise<Grant> grant = Promise.promise();
    private final Instant submitted;
    private final List<IntConsumer> queuePositionListeners = new CopyOnWriteArrayList<>();
    /** The latest queue position told, 0 while never queued (or since it left the queue): replayed to a late listener. */
    private volatile int lastQueuePosition;
    /** Transitions of the model told while this request waited, at most {@link #PROGRESS_KEPT}: replayed too. */
    private final List<StateChange> progress = new ArrayList<>();
    private final List<Consumer<StateChange>> progressListeners = new ArrayList<>();

    /** Load steps kept for a listener that comes late (a load is a handful of transitions). */
    static final int PROGRESS_KEPT = 16;

    PendingRequest(Ticket ticket, Instant submitted) {
        this.ticket = ticket;
        this.submitted = submitted;
    }

    public Ticket ticket() {
        return ticket;
    }

    public String model() {
        return ticket.model();
    }

    /** When the request was submitted (queue waits are measured from here). */
    public Instant submitted() {
        return submitted;
    }

    /** Succeeds when the request holds a slot of the model's concurrency limit; fails with a {@link ServeFailure}. */
    public Future<Void> admission() {
        return admission.future();
    }

    /** Succeeds when the model is ready for this request; fails with a {@link ServeFailure}. */
    public Future<Grant> grant() {
        return grant.future();
    }

    /**
     * Calls {@code listener} with the 1-based queue position whenever it changes (for the loading stream and the
     * in-flight list), and with 0 when the request leaves the queue to wait for its model's load; on the loop's thread.
     * A position told before the listener was added is replayed to it at once, so the same position may arrive twice.
     */
    public void onQueuePosition(IntConsumer listener) {
        queuePositionListeners.add(listener);
        int told = lastQueuePosition;
        if (told > 0) {
            listener.accept(told);
        }
    }

    /**
     * Calls {@code listener} with every transition of the model's process while this request waits for its grant
     * (the loop tells them as it hears of them), those told before the listener was added first.
     */
    public void onLoadProgress(Consumer<StateChange> listener) {
        List<StateChange> told;
        synchronized (progress) {
            progressListeners.add(listener);
            told = List.copyOf(progress);
        }
        told.forEach(listener);
    }

    // ---- loop side ----

    void loadProgress(StateChange change) {
        List<Consumer<StateChange>> listeners;
        synchronized (progress) {
            if (progress.size() == PROGRESS_KEPT) {
                progress.remove(0);
            }
            progress.add(change);
            listeners = List.copyOf(progressListeners);
        }
        listeners.forEach(listener -> listener.accept(change));
    }

    void admit() {
        admission.tryComplete();
    }

    void reject(ServeFailure why) {
        // The grant fails first: whoever is told of the refused admission may look at the grant at once (from another
        // thread, too) and must find it settled.
        grant.tryFail(why);
        admission.tryFail(why);
    }

    boolean tryGrant(Grant g) {
        admission.tryComplete();
        return grant.tryComplete(g);
    }

    void fail(ServeFailure why) {
        admission.tryComplete();
        grant.tryFail(why);
    }

    void queuePosition(int position) {
        lastQueuePosition = position;
        for (IntConsumer listener : queuePositionListeners) {
            listener.accept(position);
        }
    }

    // ---- HTTP side ----

    /** The client went away. Returns false when the grant had already been taken (the caller must then release it). */
    boolean withdraw() {
        return grant.tryFail(new ServeFailure(FailureCause.CANCELLED, ticket.model(), "client went away"));
    }
}
