package io.modelswap.router.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Shared front half of every eviction policy: the scheduler may hand over duplicates, the target itself and any order,
 * while a policy wants the other residents once each, sorted by name. Sorting here, and sorting the answer, is what
 * makes every policy's answer deterministic.
 */
public abstract class RunningSetSwapper implements Swapper {

    @Override
    public final SwapPlan plan(String target, List<Resident> residents) {
        TreeMap<String, Resident> others = new TreeMap<>();
        boolean targetRunning = false;
        for (Resident resident : residents) {
            if (resident.model().equals(target)) {
                targetRunning = true;
            } else {
                others.putIfAbsent(resident.model(), resident);
            }
        }
        if (others.isEmpty()) {
            return SwapPlan.NOTHING;
        }
        SwapPlan plan = choose(target, targetRunning, List.copyOf(others.values()));
        if (plan.victims().size() <= 1) {
            return plan;
        }
        // Policies may answer in any order; callers compare and log these lists, so sort once here.
        List<SwapPlan.Victim> sorted = new ArrayList<>(plan.victims());
        sorted.sort(Comparator.comparing(SwapPlan.Victim::model));
        return new SwapPlan(sorted, plan.summary(), plan.refusal());
    }

    /**
     * @param target        the model that should run
     * @param targetRunning whether target was among the residents
     * @param others        the other residents, sorted by name, once each, never empty
     * @return which of {@code others} to stop, and why
     */
    protected abstract SwapPlan choose(String target, boolean targetRunning, List<Resident> others);
}
