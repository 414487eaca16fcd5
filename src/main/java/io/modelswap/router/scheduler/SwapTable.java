package io.modelswap.router.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The active swaps, at most one per target model, and the collision rules between them. */
final class SwapTable {

    /** One swap under way: what it stops and who waits for it. */
    static final class Swap {
        final String target;
        final List<String> evict;
        final List<Ticket> waiters = new ArrayList<>();
        /** cancelSwap was said: a failure now is probably our abort, not a broken model. */
        boolean cancelled;

        Swap(String target, List<String> evict) {
            this.target = target;
            this.evict = List.copyOf(evict);
        }
    }

    private final Map<String, Swap> swaps = new LinkedHashMap<>();

    Swap get(String model) {
        return swaps.get(model);
    }

    Swap open(String target, List<String> evict) {
        if (swaps.containsKey(target)) {
            throw new IllegalStateException("a swap to " + target + " is already active");
        }
        Swap s = new Swap(target, evict);
        swaps.put(target, s);
        return s;
    }

    Swap close(String model) {
        return swaps.remove(model);
    }

    Collection<Swap> all() {
        return swaps.values();
    }

    List<Swap> clear() {
        List<Swap> all = new ArrayList<>(swaps.values());
        swaps.clear();
        return all;
    }

    /** Targets of active swaps other than {@code exclude}: committed to run though not yet visible as running. */
    List<String> targetsExcept(String exclude) {
        List<String> out = new ArrayList<>();
        for (String t : swaps.keySet()) {
            if (!t.equals(exclude)) {
                out.add(t);
            }
        }
        return out;
    }

    boolean isEvicting(String model) {
        if (swaps.isEmpty()) {
            return false; // the common case, asked for every request to a ready model: no iterator
        }
        for (Swap s : swaps.values()) {
            if (s.evict.contains(model)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a swap to {@code target} stopping {@code evict} cannot run beside the active ones: it would stop
     * their target, they would stop ours, or both would stop the same model.
     */
    boolean collides(String target, List<String> evict) {
        for (Swap s : swaps.values()) {
            if (s.target.equals(target)) {
                continue;
            }
            if (evict.contains(s.target) || s.evict.contains(target)) {
                return true;
            }
            for (String e : evict) {
                if (s.evict.contains(e)) {
                    return true;
                }
            }
        }
        return false;
    }
}
