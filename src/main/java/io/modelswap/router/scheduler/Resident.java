package io.modelswap.router.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One model that runs, or is committed to run, as an eviction policy sees it when it decides what must stop: how busy
 * it is and how recently it was used. A model with requests in flight is never evicted (the scheduler waits for them),
 * but a policy may still weigh it. Memory-aware placement adds the model's memory here.
 *
 * @param model    the model ID
 * @param inFlight requests being served by it now
 * @param lastUsed its latest sign of use (became ready, granted, finished a request); null when never used
 * @param loading  whether a swap to it is under way (it is not ready yet)
 */
public record Resident(String model, int inFlight, Instant lastUsed, boolean loading) {

    /** A resident known only by name (no usage figures): for callers that only ask which sets fit together. */
    public static Resident named(String model) {
        return new Resident(model, 0, null, false);
    }

    /**
     * Models that run or are committed to run (targets of other active swaps), sorted for determinism, with what an
     * eviction policy weighs: requests in flight and the latest use.
     */
    static List<Resident> of(Map<String, ModelBook> books, SwapTable swaps, String exclude) {
        TreeSet<String> names = new TreeSet<>(swaps.targetsExcept(exclude));
        for (ModelBook b : books.values()) {
            if (b.state.isRunning()) {
                names.add(b.model);
            }
        }
        List<Resident> out = new ArrayList<>();
        for (String name : names) {
            ModelBook b = books.get(name);
            Instant lastUsed = b == null || b.lastActivity().equals(Instant.MIN) ? null : b.lastActivity();
            out.add(new Resident(name, b == null ? 0 : b.inFlight, lastUsed, swaps.get(name) != null));
        }
        return out;
    }
}
