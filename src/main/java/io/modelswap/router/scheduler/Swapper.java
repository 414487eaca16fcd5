package io.modelswap.router.scheduler;

import java.util.Collection;
import java.util.List;

/** Eviction policy: which running models must stop so that another can run. */
public interface Swapper {

    /** Models of {@code running} that must stop so {@code target} can run; never contains target; deterministic order. */
    List<String> evictionFor(String target, Collection<String> running);

    /** Called when the scheduler commits to a swap decided with the same arguments (for logging). */
    default void onSwapStart(String target, Collection<String> running) {
    }
}
