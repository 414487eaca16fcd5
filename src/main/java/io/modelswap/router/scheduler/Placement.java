package io.modelswap.router.scheduler;

import io.modelswap.config.ByteSize;
import io.modelswap.placement.GpuMemory;
import io.modelswap.placement.MemoryPicture;
import io.modelswap.placement.ModelNeed;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The memory-aware placement decision, pure: given the group or matrix plan for a target, the residents and the
 * memory picture, what must also stop so the target fits on its GPUs. Admission: free = total - reserve - what other
 * processes hold - what the models kept hold. Eviction: the cheapest set of idle models (by learned reload time, or
 * {@code evict_costs}) that frees enough; when only busy or loading models would do, they are named anyway and the
 * scheduler waits for them (it never stops a busy model). A target that cannot fit even with every model of ours
 * stopped is refused at once. Pinned models (persistent groups) are never evicted for memory; when only they stand
 * in the way, the target loads anyway with an advisory.
 */
public final class Placement {

    /** Up to this many candidates the cheapest set is found exactly; beyond, greedily by cost per byte. */
    static final int EXACT_SEARCH_LIMIT = 16;

    private final String target;
    private final ModelNeed need;
    private final MemoryPicture picture;
    private final List<GpuMemory> on;

    private Placement(String target, MemoryPicture picture) {
        this.target = target;
        this.need = picture.need(target);
        this.picture = picture;
        this.on = picture.gpus().stream().filter(g -> need.uses(g.id())).toList();
    }

    /**
     * @param base the group or matrix plan for {@code target} (its victims are stopped anyway)
     * @return {@code base}, with memory victims added, or a refusal
     */
    public static SwapPlan place(String target, List<Resident> residents, SwapPlan base, MemoryPicture picture) {
        if (!picture.enabled() || picture.need(target).bytes() == 0
                || residents.stream().anyMatch(r -> r.model().equals(target))) {
            return base; // unknown memory is placed as today; a running target has its place already
        }
        return new Placement(target, picture).decide(residents, base);
    }

    private SwapPlan decide(List<Resident> residents, SwapPlan base) {
        if (on.isEmpty()) {
            return SwapPlan.refusing(what() + " is set to run on GPU " + need.gpus() + ", and no such GPU is present ("
                    + picture.gpus().stream().map(GpuMemory::id).toList() + ")");
        }
        for (GpuMemory g : on) {
            long share = need.shareOn(g.id(), picture.gpus());
            if (share > g.total() - picture.reserve()) {
                return SwapPlan.refusing(what() + " needs " + ByteSize.format(share) + " on GPU " + g.id()
                        + ", which has " + ByteSize.format(g.total()) + " with " + ByteSize.format(picture.reserve())
                        + " reserved: it can never fit");
            }
            if (share > g.total() - picture.reserve() - g.foreign()) {
                return SwapPlan.refusing(what() + " needs " + ByteSize.format(share) + " on GPU " + g.id()
                        + ": of its " + ByteSize.format(g.total()) + ", " + ByteSize.format(picture.reserve())
                        + " are reserved and " + ByteSize.format(g.foreign()) + " are held by processes modelswap"
                        + " does not own; retry when they free memory");
            }
        }
        Set<String> stopped = new HashSet<>(base.evict());
        List<Resident> kept = new ArrayList<>();
        for (Resident r : residents) {
            if (!r.model().equals(target) && !stopped.contains(r.model()) && sharesGpu(r.model())) {
                kept.add(r);
            }
        }
        if (fits(kept, List.of(), false)) {
            return base;
        }
        List<Resident> candidates = kept.stream().filter(r -> !picture.pinned().contains(r.model()))
                .filter(r -> picture.need(r.model()).bytes() > 0)
                .sorted(Comparator.comparingLong((Resident r) -> picture.evictionCost(r.model()))
                        .thenComparing(Resident::model))
                .toList();
        List<Resident> idle = candidates.stream().filter(r -> r.inFlight() == 0 && !r.loading()).toList();
        List<Resident> set = cheapest(kept, idle, false);
        if (set == null) {
            set = cheapest(kept, candidates, false); // the scheduler waits for the busy ones to finish
        }
        String advisory = null;
        if (set == null) {
            set = cheapest(kept, candidates, true);
            advisory = advisory(kept, set);
        }
        return withVictims(base, set, advisory);
    }

    /** Whether the target fits with {@code kept} minus {@code evicted} (pinned models left out when asked). */
    private boolean fits(List<Resident> kept, List<Resident> evicted, boolean ignorePinned) {
        for (GpuMemory g : on) {
            long free = g.total() - picture.reserve() - g.foreign();
            for (Resident r : kept) {
                if (!evicted.contains(r) && !(ignorePinned && picture.pinned().contains(r.model()))) {
                    free -= picture.need(r.model()).shareOn(g.id(), picture.gpus());
                }
            }
            if (need.shareOn(g.id(), picture.gpus()) > free) {
                return false;
            }
        }
        return true;
    }

    /**
     * The set of {@code candidates} (sorted by cost) whose eviction makes the target fit at the lowest total cost, then
     * the fewest models, then the first names; null when none does.
     */
    private List<Resident> cheapest(List<Resident> kept, List<Resident> candidates, boolean ignorePinned) {
        if (!fits(kept, candidates, ignorePinned)) {
            return null;
        }
        if (candidates.size() > EXACT_SEARCH_LIMIT) {
            return greedy(kept, candidates, ignorePinned);
        }
        Search search = new Search(kept, candidates, ignorePinned);
        search.walk(0, new ArrayList<>(), 0);
        return search.best;
    }

    private final class Search {
        final List<Resident> kept;
        final List<Resident> candidates;
        final boolean ignorePinned;
        List<Resident> best;
        long bestCost = Long.MAX_VALUE;

        Search(List<Resident> kept, List<Resident> candidates, boolean ignorePinned) {
            this.kept = kept;
            this.candidates = candidates;
            this.ignorePinned = ignorePinned;
        }

        void walk(int next, List<Resident> chosen, long cost) {
            if (cost > bestCost) {
                return;
            }
            if (fits(kept, chosen, ignorePinned)) {
                if (cost < bestCost || (cost == bestCost && better(chosen, best))) {
                    best = List.copyOf(chosen);
                    bestCost = cost;
                }
                return; // adding more only costs more
            }
            for (int i = next; i < candidates.size(); i++) {
                Resident r = candidates.get(i);
                chosen.add(r);
                walk(i + 1, chosen, cost + picture.evictionCost(r.model()));
                chosen.remove(chosen.size() - 1);
            }
        }

        private boolean better(List<Resident> a, List<Resident> b) {
            if (a.size() != b.size()) {
                return a.size() < b.size();
            }
            return names(a).compareTo(names(b)) < 0;
        }
    }

    private List<Resident> greedy(List<Resident> kept, List<Resident> candidates, boolean ignorePinned) {
        List<Resident> byValue = new ArrayList<>(candidates);
        byValue.sort(Comparator.comparingDouble((Resident r) -> picture.evictionCost(r.model())
                / (double) Math.max(1, picture.need(r.model()).bytes())).thenComparing(Resident::model));
        List<Resident> chosen = new ArrayList<>();
        for (Resident r : byValue) {
            chosen.add(r);
            if (fits(kept, chosen, ignorePinned)) {
                return chosen;
            }
        }
        return chosen;
    }

    private SwapPlan withVictims(SwapPlan base, List<Resident> set, String advisory) {
        List<SwapPlan.Victim> victims = new ArrayList<>(base.victims());
        List<String> words = new ArrayList<>();
        for (Resident r : set) {
            String rule = "evicted " + r.model() + " (" + ByteSize.format(picture.need(r.model()).bytes()) + ", "
                    + picture.costWords(r.model()) + ") to fit " + what();
            victims.add(new SwapPlan.Victim(r.model(), rule));
            words.add(rule);
        }
        List<String> summary = new ArrayList<>();
        if (base.summary() != null) {
            summary.add(base.summary());
        }
        if (!words.isEmpty()) {
            summary.add("memory: " + String.join("; ", words));
        }
        if (advisory != null) {
            summary.add(advisory);
        }
        return new SwapPlan(victims, summary.isEmpty() ? null : String.join("; ", summary));
    }

    private String advisory(List<Resident> kept, List<Resident> evicted) {
        List<String> pinned = new ArrayList<>();
        for (Resident r : kept) {
            if (picture.pinned().contains(r.model()) && picture.need(r.model()).bytes() > 0) {
                pinned.add(r.model() + " (" + ByteSize.format(picture.need(r.model()).bytes()) + ")");
            }
        }
        return "advisory: " + what() + " will not fit next to pinned " + String.join(", ", pinned)
                + "; loading it anyway" + (evicted.isEmpty() ? "" : " after the evictions");
    }

    private boolean sharesGpu(String model) {
        ModelNeed other = picture.need(model);
        return on.stream().anyMatch(g -> other.uses(g.id()));
    }

    private String what() {
        return target + " (" + ByteSize.format(need.bytes()) + ")";
    }

    private static String names(List<Resident> set) {
        return String.join(",", set.stream().map(Resident::model).toList());
    }
}
