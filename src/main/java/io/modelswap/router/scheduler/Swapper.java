package io.modelswap.router.scheduler;

import java.util.Collection;
import java.util.List;

/**
 * Eviction policy: which of the resident models must stop so that another can run. Pure: the same question gets the
 * same answer, and the answer is a value ({@link SwapPlan}) that the run loop logs and publishes.
 */
@FunctionalInterface
public interface Swapper {

    /**
     * What must stop so that {@code target} can run beside what stays of {@code residents} (the models that run or
     * are committed to run, with their usage; the target may be among them). The plan never names the target.
     */
    SwapPlan plan(String target, List<Resident> residents);

    /** {@link #plan}'s models to stop, for residents known only by name (order-free; duplicates allowed). */
    default List<String> evictionFor(String target, Collection<String> running) {
        return plan(target, running.stream().distinct().map(Resident::named).toList()).evict();
    }
}
