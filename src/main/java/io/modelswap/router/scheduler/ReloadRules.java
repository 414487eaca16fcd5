package io.modelswap.router.scheduler;

import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.modelswap.process.StopCause;
import io.modelswap.router.scheduler.ModelBook.Retire;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a config reload does to running models. Removed models lose their queue but finish in-flight work;
 * changed models take no new work on the old instance and are stopped once drained (or their old
 * unloadTimeout passes), after which the queue starts the new definition; models the new swapper no longer
 * allows together are thinned to a compatible, most-recently-used set. A retiring model never gets a second
 * swap: new tickets queue until its STOPPED arrives.
 */
final class ReloadRules {

    private final FifoScheduler s;

    ReloadRules(FifoScheduler scheduler) {
        this.s = scheduler;
    }

    void apply(SchedulerSettings old, SchedulerSettings next, Set<String> changed) {
        Instant now = s.now();
        for (ModelBook b : List.copyOf(s.books().values())) {
            ModelPolicy before = old.models().get(b.model);
            Duration grace = before == null ? Duration.ZERO : before.unloadTimeout();
            boolean live = b.state.isRunning() || s.swaps().get(b.model) != null;
            if (!next.models().containsKey(b.model)) {
                remove(b, now.plus(grace));
            } else if (b.retire == Retire.REMOVE) {
                b.retire = Retire.REPLACE; // back in the config while the old instance drains: replace it
            } else if (changed.contains(b.model) && live && b.retire == Retire.NONE) {
                b.startRetiring(Retire.REPLACE, now.plus(grace));
            }
        }
        thinToCompatible(next.swapper(), now);
        for (ModelBook b : List.copyOf(s.books().values())) {
            maybeStopRetiring(b);
            s.forgetIfGone(b);
        }
    }

    private void remove(ModelBook b, Instant deadline) {
        ServeFailure removed = new ServeFailure(FailureCause.MODEL_REMOVED, b.model,
                "model " + b.model + " was removed from the configuration");
        s.failQueued(b.model, removed);
        s.queue().publishPositions(s.effects());
        SwapTable.Swap swap = s.swaps().get(b.model);
        if (swap != null) {
            s.failWaiters(swap, removed);
            s.cancel(swap);
        }
        if (b.retire == Retire.NONE) {
            b.startRetiring(Retire.REMOVE, deadline);
        } else {
            b.retire = Retire.REMOVE; // keep the deadline and whether the stop was already asked for
        }
    }

    /**
     * Keeps running models greedily in most-recently-used order while every kept model's eviction set
     * against the others stays empty; the rest are replaced (stopped, restarted on demand).
     */
    private void thinToCompatible(Swapper swapper, Instant now) {
        List<ModelBook> candidates = new ArrayList<>();
        for (ModelBook b : s.books().values()) {
            boolean live = (b.state.isRunning() && b.state != io.modelswap.process.ProcessState.STOPPING)
                    || s.swaps().get(b.model) != null;
            if (live && b.retire == Retire.NONE) {
                candidates.add(b);
            }
        }
        candidates.sort(ModelBook.mostRecentlyUsedFirst(s.swaps()));
        List<String> kept = new ArrayList<>();
        for (ModelBook b : candidates) {
            List<String> trial = new ArrayList<>(kept);
            trial.add(b.model);
            if (compatible(swapper, trial)) {
                kept = trial;
            } else {
                ModelPolicy p = s.settings().models().get(b.model);
                b.startRetiring(Retire.REPLACE, now.plus(p == null ? Duration.ZERO : p.unloadTimeout()));
            }
        }
    }

    private static boolean compatible(Swapper swapper, List<String> models) {
        for (String m : models) {
            List<String> others = new ArrayList<>(models);
            others.remove(m);
            if (!swapper.evictionFor(m, others).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Asks for the RELOAD stop once the retiring instance is idle or out of grace; never twice. */
    void maybeStopRetiring(ModelBook b) {
        if (b.retire == Retire.NONE || b.retireStopIssued || s.swaps().get(b.model) != null) {
            return; // an active swap settles first (its onSwapDone calls back here)
        }
        if (!b.state.isRunning()) {
            finish(b);
            return;
        }
        if (b.inFlight == 0 || !s.now().isBefore(b.retireDeadline)) {
            b.retireStopIssued = true;
            s.effects().stopModels(List.of(b.model), StopCause.RELOAD);
        }
    }

    /** The old instance is gone: a replaced model may start again; a removed one is forgotten when idle. */
    void finish(ModelBook b) {
        b.finishRetiring();
        s.forgetIfGone(b);
    }
}
