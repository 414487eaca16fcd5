package io.modelswap.router;

import io.modelswap.process.StartFailedException;
import io.modelswap.process.StopCause;
import io.modelswap.router.scheduler.SwapPlan;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The run loop's account of its decisions: each swap it starts and each stop it orders becomes a {@link SwapDecision}
 * handed to the publisher (the event bus, in the application), and a swap is published again with its outcome. Used
 * on the loop's context only.
 */
final class SwapJournal {

    private final Consumer<SwapDecision> publisher;
    private final InstantSource clock;
    private long nextId;
    /** The published decision of each swap still loading, by its target. */
    private final Map<String, SwapDecision> loading = new HashMap<>();

    SwapJournal(Consumer<SwapDecision> publisher, InstantSource clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * The loop starts a swap to {@code model} carrying out {@code plan}; {@code waiting} are the loop's requests (the
     * oldest one not yet granted for {@code model} gives the queue wait).
     */
    void swapStarted(String model, SwapPlan plan, Collection<PendingRequest> waiting) {
        Instant now = clock.instant();
        Instant oldest = now;
        for (PendingRequest request : waiting) {
            if (request.model().equals(model) && !request.grant().isComplete()
                    && request.submitted().isBefore(oldest)) {
                oldest = request.submitted();
            }
        }
        List<SwapDecision.Eviction> evicted = new ArrayList<>();
        for (SwapPlan.Victim victim : plan.victims()) {
            evicted.add(new SwapDecision.Eviction(victim.model(), StopCause.SWAP.label(), victim.rule()));
        }
        SwapDecision decision = new SwapDecision(++nextId, now, SwapDecision.SWAP, model, evicted,
                Duration.between(oldest, now).toMillis(), null, "loading", null, plan.summary());
        loading.put(model, decision);
        publish(decision);
    }

    /** The swap to {@code model} ended: ready, or failed with {@code error}. */
    void swapDone(String model, Optional<Throwable> error) {
        SwapDecision started = loading.remove(model);
        if (started == null) {
            return;
        }
        String outcome = error.isEmpty() ? "ready"
                : error.get() instanceof StartFailedException f && f.kind() == StartFailedException.Kind.ABORTED
                        ? "cancelled" : "failed";
        publish(new SwapDecision(started.id(), started.at(), started.kind(), model, started.evicted(),
                started.queueWaitMs(), Duration.between(started.at(), clock.instant()).toMillis(), outcome,
                error.map(e -> e.getMessage() == null ? e.toString() : e.getMessage()).orElse(null), started.note()));
    }

    /** The loop stops {@code models} for {@code cause}; {@code rule} says what for each. */
    void stopped(List<String> models, StopCause cause, java.util.function.Function<String, String> rule) {
        if (models.isEmpty()) {
            return;
        }
        List<SwapDecision.Eviction> evicted = new ArrayList<>();
        for (String model : models) {
            evicted.add(new SwapDecision.Eviction(model, cause.label(), rule.apply(model)));
        }
        publish(new SwapDecision(++nextId, clock.instant(), SwapDecision.STOP, null, evicted, 0, null, "stopping",
                null, null));
    }

    private void publish(SwapDecision decision) {
        publisher.accept(decision);
    }
}
