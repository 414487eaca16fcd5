package io.modelswap.router;

import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.process.ProcessOwner;
import io.modelswap.process.ProcessState;
import io.modelswap.process.ProcessView;
import io.modelswap.process.StateChange;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The run loop's book of process owners: one per configured model (and per removed model still stopping), each
 * owner's state as its own {@link StateChange}s told the loop, and the swaps that may still start one. A reload's new
 * definition of a model replaces its owner only once the old owner is idle, so two instances of one model never run
 * at once. Used on the loop's context only.
 */
final class ProcessOwners {

    private static final Logger LOG = Logger.getLogger(RouterLoop.class);

    private final ProcessOwner.Factory factory;
    private final Map<String, ProcessOwner> owners = new TreeMap<>();
    /** Models whose definition changed while running: the new definition, swapped in once the old process stops. */
    private final Map<String, ModelConfig> replaceWhenStopped = new HashMap<>();
    /** Models removed from the configuration while running: dropped once their process stops. */
    private final Set<String> dropWhenStopped = new HashSet<>();
    /**
     * Each current owner's state as its own {@link StateChange}s told the loop (absent: STOPPED). An owner's
     * {@code state()} is for display only: deciding on it races with the events still on their way.
     */
    private final Map<String, ProcessState> observed = new HashMap<>();
    /**
     * Targets of swaps the loop started whose outcome has not come back: their owner may start any moment. The
     * scheduler never runs two swaps of one model at once, so a set suffices.
     */
    private final Set<String> swapsUnderWay = new HashSet<>();

    ProcessOwners(ProcessOwner.Factory factory, SwapConfig initial) {
        this.factory = factory;
        for (ModelConfig model : initial.models().values()) {
            owners.put(model.id(), factory.create(model));
        }
    }

    ProcessOwner get(String model) {
        return owners.get(model);
    }

    Collection<String> models() {
        return List.copyOf(owners.keySet());
    }

    Collection<ProcessOwner> all() {
        return List.copyOf(owners.values());
    }

    /** Read-only views of every owner, for the published view. */
    Map<String, ProcessView> views() {
        return Map.copyOf(owners);
    }

    /** The state the loop last heard of from {@code model}'s current owner. */
    ProcessState observed(String model) {
        return observed.getOrDefault(model, ProcessState.STOPPED);
    }

    /** Whether {@code model} runs, is starting or stopping, by the loop's own account (a swap under way counts). */
    boolean running(String model) {
        return owners.containsKey(model) && (observed(model).isRunning() || swapsUnderWay.contains(model));
    }

    void swapStarted(String model) {
        swapsUnderWay.add(model);
    }

    boolean swapUnderWay(String model) {
        return swapsUnderWay.contains(model);
    }

    /** The swap to {@code model} ended; an owner waiting to be replaced or dropped may now be. */
    void swapEnded(String model) {
        swapsUnderWay.remove(model);
        // A swap aborted by a reload may end with the old owner already stopped: no STOPPED event will follow.
        settleIfIdle(model);
    }

    /** An owner's transition: recorded, and once it is STOPPED a waiting replacement or removal happens. */
    void onStateChange(StateChange change) {
        if (owners.containsKey(change.model())) {
            observed.put(change.model(), change.to());
        }
        if (change.to() == ProcessState.STOPPED) {
            // Only now may a changed or removed definition take its place (before the scheduler hears of it and
            // starts the model again), so two instances of one model never run at once.
            settleIfIdle(change.model());
        }
    }

    /**
     * Applies a reload's models: new ones get an owner; changed ones a new owner now if idle, else once stopped;
     * removed ones are dropped now if idle, else once stopped. Returns the models whose definition changed.
     */
    Set<String> apply(SwapConfig next) {
        Set<String> changed = new HashSet<>();
        for (ModelConfig model : next.models().values()) {
            ProcessOwner existing = owners.get(model.id());
            dropWhenStopped.remove(model.id());
            if (existing == null) {
                owners.put(model.id(), factory.create(model));
            } else if (!existing.config().sameProcessAs(model)) {
                changed.add(model.id());
                if (idle(model.id())) {
                    replace(model.id(), model);
                    replaceWhenStopped.remove(model.id());
                } else {
                    replaceWhenStopped.put(model.id(), model);
                }
            } else {
                replaceWhenStopped.remove(model.id());
            }
        }
        for (String model : List.copyOf(owners.keySet())) {
            if (!next.models().containsKey(model)) {
                replaceWhenStopped.remove(model); // a pending new definition is moot now
                if (idle(model)) {
                    drop(model);
                } else {
                    dropWhenStopped.add(model);
                }
            }
        }
        return changed;
    }

    /**
     * Whether {@code model}'s owner has no process and none on its way: its last event said STOPPED and no swap of the
     * loop may still call its {@code ensureReady()}. Only such an owner may be replaced or dropped; any other would go
     * on to start (or keep) an instance nobody stops.
     */
    private boolean idle(String model) {
        return observed(model) == ProcessState.STOPPED && !swapsUnderWay.contains(model);
    }

    private void settleIfIdle(String model) {
        if (!owners.containsKey(model) || !idle(model)) {
            return;
        }
        ModelConfig replacement = replaceWhenStopped.remove(model);
        if (replacement != null) {
            replace(model, replacement);
            LOG.infof("[%s] now uses its new definition", model);
        }
        if (dropWhenStopped.remove(model)) {
            drop(model);
            LOG.infof("[%s] removed from the configuration and stopped", model);
        }
    }

    private void replace(String model, ModelConfig definition) {
        ProcessOwner old = owners.put(model, factory.create(definition));
        if (old != null) {
            old.close();
        }
        observed.remove(model);
    }

    private void drop(String model) {
        ProcessOwner old = owners.remove(model);
        if (old != null) {
            old.discard(); // removed from the configuration: its saved slots go too
        }
        observed.remove(model);
    }
}
