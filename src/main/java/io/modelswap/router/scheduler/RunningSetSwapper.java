package io.modelswap.router.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Shared front half of every eviction policy: the scheduler may hand over duplicates, the target itself and
 * any iteration order, while a policy wants a clean, sorted list of the other running models. Sorting here is
 * what makes every policy's answer deterministic.
 */
public abstract class RunningSetSwapper implements Swapper {

    @Override
    public final List<String> evictionFor(String target, Collection<String> running) {
        TreeSet<String> others = new TreeSet<>(running);
        boolean targetRunning = others.remove(target);
        if (others.isEmpty()) {
            return List.of();
        }
        List<String> evict = chooseEvictions(target, targetRunning, List.copyOf(others));
        if (evict.size() <= 1) {
            return List.copyOf(evict);
        }
        // Policies may answer in any order; callers compare and log these lists, so sort once here.
        List<String> sorted = new ArrayList<>(new TreeSet<>(evict));
        return List.copyOf(sorted);
    }

    /**
     * @param target        the model that should run
     * @param targetRunning whether target was among the running models
     * @param others        the other running models, sorted, no duplicates, never empty
     * @return the subset of {@code others} to stop
     */
    protected abstract List<String> chooseEvictions(String target, boolean targetRunning, List<String> others);
}
