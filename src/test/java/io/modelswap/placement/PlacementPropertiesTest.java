package io.modelswap.placement;

import static io.modelswap.config.ByteSize.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.router.scheduler.Placement;
import io.modelswap.router.scheduler.Resident;
import io.modelswap.router.scheduler.SwapPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Properties of the placement decision over random model sets (one to three GPUs, up to eight residents with random
 * sizes, GPUs, costs, busy and pinned flags, foreign memory), each checked against a brute-force model of the rules:
 * refused exactly when the target cannot fit even alone; otherwise it fits after the evictions (unless only pinned
 * models stand in the way, which the advisory says); no pinned model and never the target is evicted; busy models
 * only when no idle set suffices; and no cheaper sufficient set exists. Seeded: a failure names its case.
 */
class PlacementPropertiesTest {

    private static final int CASES = 3000;

    @Test
    void placementKeepsItsPromisesOverRandomModelSets() {
        for (int seed = 0; seed < CASES; seed++) {
            Case c = new Case(new Random(seed));
            String label = "seed " + seed + ": " + c;
            SwapPlan plan = Placement.place("t", c.residents, SwapPlan.NOTHING, c.picture);
            check(c, plan, label);
        }
    }

    private static void check(Case c, SwapPlan plan, String label) {
        boolean aloneFits = c.fits(List.of(), c.names(), false);
        if (!aloneFits) {
            assertTrue(plan.refusal() != null, "refused when it cannot fit alone; " + label);
            assertEquals(List.of(), plan.evict(), label);
            return;
        }
        assertNull(plan.refusal(), "not refused when it fits alone; " + label);
        Set<String> evicted = new HashSet<>(plan.evict());
        assertFalse(evicted.contains("t"), label);
        assertTrue(c.names().containsAll(evicted), "only residents are evicted; " + label);
        for (String e : evicted) {
            assertFalse(c.picture.pinned().contains(e), "a pinned model is never evicted; " + label);
        }
        boolean advisory = plan.summary() != null && plan.summary().contains("advisory");
        List<String> kept = c.names().stream().filter(n -> !evicted.contains(n)).toList();
        assertTrue(c.fits(kept, c.names(), advisory), "the target fits after the evictions; " + label);
        if (!advisory && !evicted.isEmpty()) {
            long cost = evicted.stream().mapToLong(c.picture::evictionCost).sum();
            boolean anyBusy = evicted.stream().anyMatch(c.busy::contains);
            for (List<String> other : c.subsets()) {
                boolean otherBusy = other.stream().anyMatch(c.busy::contains);
                List<String> otherKept = c.names().stream().filter(n -> !other.contains(n)).toList();
                if (!c.fits(otherKept, c.names(), false)) {
                    continue;
                }
                if (anyBusy) {
                    assertTrue(otherBusy, "busy models only when no idle set suffices (" + other + "); " + label);
                } else if (!otherBusy) {
                    long otherCost = other.stream().mapToLong(c.picture::evictionCost).sum();
                    assertTrue(otherCost >= cost, "no cheaper idle set " + other + " than " + evicted + "; " + label);
                }
            }
        }
    }

    /** One random situation, and a slow, obvious model of "fits". */
    private static final class Case {
        final List<GpuMemory> gpus = new ArrayList<>();
        final List<Resident> residents = new ArrayList<>();
        final Set<String> busy = new HashSet<>();
        final MemoryPicture picture;
        final long reserve;

        Case(Random r) {
            int gpuCount = 1 + r.nextInt(3);
            for (int i = 0; i < gpuCount; i++) {
                gpus.add(new GpuMemory(i, (16 + r.nextInt(65)) * GIB, r.nextInt(4) == 0 ? r.nextInt(20) * GIB : 0));
            }
            reserve = r.nextInt(3) * GIB;
            Map<String, ModelNeed> needs = new HashMap<>();
            Map<String, Long> reload = new HashMap<>();
            Set<String> pinned = new HashSet<>();
            needs.put("t", new ModelNeed((1 + r.nextInt(60)) * GIB, ModelNeed.Source.DECLARED, randomGpus(r, gpuCount)));
            int n = r.nextInt(9);
            for (int i = 0; i < n; i++) {
                String m = "m" + i;
                needs.put(m, new ModelNeed(r.nextInt(8) == 0 ? 0 : (1 + r.nextInt(40)) * GIB,
                        ModelNeed.Source.OBSERVED, randomGpus(r, gpuCount)));
                reload.put(m, (1 + r.nextInt(120)) * 1000L);
                boolean isBusy = r.nextInt(4) == 0;
                if (isBusy) {
                    busy.add(m);
                }
                if (r.nextInt(6) == 0) {
                    pinned.add(m);
                }
                residents.add(new Resident(m, isBusy ? 1 : 0, null, false));
            }
            picture = new MemoryPicture(gpus, reserve, needs, reload, Map.of(), pinned);
        }

        private static List<Integer> randomGpus(Random r, int count) {
            if (r.nextBoolean()) {
                return List.of();
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (r.nextBoolean()) {
                    out.add(i);
                }
            }
            return out.isEmpty() ? List.of(r.nextInt(count)) : out;
        }

        List<String> names() {
            return residents.stream().map(Resident::model).toList();
        }

        /** Every GPU of t has room for t's share beside {@code kept} (pinned ones left out when asked). */
        boolean fits(List<String> kept, List<String> all, boolean ignorePinned) {
            ModelNeed t = picture.need("t");
            for (GpuMemory g : gpus) {
                if (!t.uses(g.id())) {
                    continue;
                }
                long free = g.total() - reserve - g.foreign();
                for (String m : kept) {
                    if (!(ignorePinned && picture.pinned().contains(m))) {
                        free -= share(picture.need(m), g.id());
                    }
                }
                if (share(t, g.id()) > free) {
                    return false;
                }
            }
            return true;
        }

        private long share(ModelNeed need, int gpu) {
            if (!need.uses(gpu)) {
                return 0;
            }
            long on = need.gpus().isEmpty() ? gpus.size() : need.gpus().size();
            return need.bytes() / on;
        }

        List<List<String>> subsets() {
            List<String> all = names();
            List<List<String>> out = new ArrayList<>();
            for (int mask = 0; mask < (1 << all.size()); mask++) {
                List<String> s = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    if ((mask & (1 << i)) != 0) {
                        s.add(all.get(i));
                    }
                }
                if (s.stream().noneMatch(picture.pinned()::contains)) {
                    out.add(s);
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return "gpus " + gpus + ", reserve " + reserve + ", needs " + picture.needs() + ", busy " + busy
                    + ", pinned " + picture.pinned();
        }
    }
}
