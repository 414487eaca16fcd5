package io.modelswap.router.scheduler;

import io.modelswap.placement.MemoryPicture;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Groups or matrix first, memory second: the configured policy says what may run together, then {@link Placement}
 * adds what must stop for the target to fit. The picture comes from the run loop, which replaces it as measurements
 * and configurations arrive; every call reads it on the loop.
 */
public final class MemorySwapper implements Swapper {

    private final Swapper base;
    private final Supplier<MemoryPicture> picture;

    public MemorySwapper(Swapper base, Supplier<MemoryPicture> picture) {
        this.base = Objects.requireNonNull(base);
        this.picture = Objects.requireNonNull(picture);
    }

    @Override
    public SwapPlan plan(String target, List<Resident> residents) {
        SwapPlan plan = base.plan(target, residents);
        if (plan.refusal() != null) {
            return plan;
        }
        SwapPlan placed = Placement.place(target, residents, plan, picture.get());
        if (placed.victims().size() <= 1 || placed == plan) {
            return placed;
        }
        List<SwapPlan.Victim> sorted = new java.util.ArrayList<>(placed.victims());
        sorted.sort(java.util.Comparator.comparing(SwapPlan.Victim::model));
        return new SwapPlan(sorted, placed.summary(), placed.refusal());
    }
}
