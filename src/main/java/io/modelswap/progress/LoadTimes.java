package io.modelswap.progress;

import io.modelswap.process.ProcessState;
import io.modelswap.process.StateChange;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Learns how long each model takes to load (starting to ready), and separately to wake, from the process owners'
 * {@link StateChange}s, smoothed over recent loads, and estimates how far a load under way has come. Loads that fail
 * teach nothing. No upstream modelswap starts reports its own load progress (llama-server answers 503 until loaded,
 * vLLM does not listen), so the estimate is all there is.
 */
@ApplicationScoped
public class LoadTimes {

    /** Weight of the newest load in the smoothed time: the last few loads count, an old outlier fades. */
    static final double SMOOTHING = 0.3;
    /** Most models remembered: a configuration of thousands of models is not expected; beyond this, start afresh. */
    static final int MAX_MODELS = 4096;

    private final Vertx vertx;
    /** Smoothed load time, per model and kind (load or wake). */
    private final Map<Key, Duration> learned = new ConcurrentHashMap<>();
    /** Loads under way: when they began and whether they are wakes. */
    private final Map<String, Start> underWay = new ConcurrentHashMap<>();

    private record Key(String model, boolean wake) {
    }

    private record Start(Instant at, boolean wake) {
    }

    public LoadTimes(Vertx vertx) {
        this.vertx = vertx;
    }

    void listen(@Observes StartupEvent event) {
        vertx.eventBus().<StateChange>localConsumer(StateChange.ADDRESS, message -> onStateChange(message.body()));
    }

    /** Records a transition (the bus consumer's work; tests call it directly). */
    public void onStateChange(StateChange change) {
        if (change.to() == ProcessState.STARTING) {
            if (underWay.size() >= MAX_MODELS) {
                underWay.clear();
            }
            underWay.put(change.model(), new Start(change.at(), change.from() == ProcessState.SLEEPING));
        } else if (change.from() == ProcessState.STARTING) {
            Start start = underWay.remove(change.model());
            if (start != null && change.to() == ProcessState.READY) {
                learn(new Key(change.model(), start.wake()), Duration.between(start.at(), change.at()));
            }
        }
    }

    private void learn(Key key, Duration took) {
        if (learned.size() >= MAX_MODELS && !learned.containsKey(key)) {
            learned.clear();
        }
        learned.merge(key, took, (old, now) -> Duration.ofMillis(Math.round(
                old.toMillis() * (1 - SMOOTHING) + now.toMillis() * SMOOTHING)));
    }

    /** How long a load ({@code wake} false) or a wake of {@code model} took lately; empty before the first one. */
    public Optional<Duration> expected(String model, boolean wake) {
        return Optional.ofNullable(learned.get(new Key(model, wake)));
    }

    /** The estimate of {@code model}'s load under way at {@code now}; empty when none is, or none was ever seen. */
    public Optional<LoadProgress.Estimate> estimate(String model, Instant now) {
        Start start = underWay.get(model);
        if (start == null) {
            return Optional.empty();
        }
        return expected(model, start.wake()).map(expected -> LoadProgress.Estimate.of(start.at(), expected, now));
    }

    /** Whether any model is loading (or waking) now. */
    public boolean anyUnderWay() {
        return !underWay.isEmpty();
    }
}
