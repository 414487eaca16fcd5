package io.modelswap.selector;

import io.modelswap.failure.FailureCause;
import io.modelswap.http.BadRequestException;
import io.modelswap.process.ProcessState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code spillover} selector's requests in flight per target, and its choice (llama-swap's
 * {@code strategySpillover}): a target is <em>active</em> when its local model is ready or starting, or it has
 * requests in flight (a peer target: only then), <em>cold</em> when stopped; stopping targets are skipped. With no
 * active target the first cold one is taken; while the least busy active target has fewer than {@code spillover}
 * requests it is taken (ties in turn); when every active target is full the first cold one is started; with none
 * left the least busy active target takes the request anyway. Choosing reserves; {@link #release} gives it back.
 * Thread-safe: requests choose from many event loops.
 */
final class SpilloverCounts {

    /** A target as written, and the key it is counted under (its local model ID, or its peer FQN). */
    record Target(String name, String key, boolean local) {
    }

    private final String selector;
    private final int spillover;
    private final List<Target> targets;
    private final Map<String, Integer> inFlight = new HashMap<>();
    private long turn;

    SpilloverCounts(String selector, int spillover, List<Target> targets) {
        this.selector = selector;
        this.spillover = spillover;
        this.targets = List.copyOf(targets);
    }

    /** Chooses a target and counts the request against it; {@code states} are the local models' states. */
    synchronized Target reserve(Map<String, ProcessState> states) {
        List<Target> active = new ArrayList<>();
        List<Target> cold = new ArrayList<>();
        for (Target target : targets) {
            int busy = inFlight.getOrDefault(target.key(), 0);
            if (!target.local()) {
                (busy > 0 ? active : cold).add(target);
                continue;
            }
            ProcessState state = states.getOrDefault(target.key(), ProcessState.STOPPED);
            if (state == ProcessState.STOPPING || state == ProcessState.SHUTDOWN) {
                continue;
            }
            if (state == ProcessState.READY || state == ProcessState.STARTING || busy > 0) {
                active.add(target);
            } else {
                cold.add(target);
            }
        }
        if (active.isEmpty()) {
            if (cold.isEmpty()) {
                throw new BadRequestException(FailureCause.NO_TARGET.status(), FailureCause.NO_TARGET.code(), "selector '" + selector
                        + "' has no available spillover targets (every target is stopping)");
            }
            return count(cold.get(0));
        }
        int least = least(active);
        if (least >= spillover && !cold.isEmpty()) {
            return count(cold.get(0));
        }
        List<Target> tied = active.stream().filter(t -> inFlight.getOrDefault(t.key(), 0) == least).toList();
        return count(tied.get((int) (turn++ % tied.size())));
    }

    /** The request sent to {@code target} is over. */
    synchronized void release(Target target) {
        inFlight.computeIfPresent(target.key(), (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Requests in flight per target key, for display and tests. */
    synchronized Map<String, Integer> inFlight() {
        return Map.copyOf(inFlight);
    }

    private int least(List<Target> active) {
        int least = Integer.MAX_VALUE;
        for (Target target : active) {
            least = Math.min(least, inFlight.getOrDefault(target.key(), 0));
        }
        return least;
    }

    private Target count(Target target) {
        inFlight.merge(target.key(), 1, Integer::sum);
        return target;
    }
}
