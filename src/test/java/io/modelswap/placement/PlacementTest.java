package io.modelswap.placement;

import static io.modelswap.placement.Pictures.busy;
import static io.modelswap.placement.Pictures.idle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.router.scheduler.Placement;
import io.modelswap.router.scheduler.Resident;
import io.modelswap.router.scheduler.SwapPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The placement decision, by plain method calls: admission, the cheapest eviction, busy models, refusals. */
class PlacementTest {

    private static SwapPlan place(Pictures p, String target, Resident... residents) {
        return Placement.place(target, List.of(residents), SwapPlan.NOTHING, p.build());
    }

    @Test
    void aModelThatFitsBesideTheOthersEvictsNothing() {
        Pictures p = new Pictures().gpu(0, 80, 0).reserve(2).model("a", 30, 40).model("b", 22, 41);
        assertSame(SwapPlan.NOTHING, place(p, "a", idle("b")));
    }

    @Test
    void theCheapestSufficientSetIsEvictedAndSaysWhy() {
        Pictures p = new Pictures().gpu(0, 80, 0).reserve(2).model("t", 30, 5)
                .model("big", 40, 60).model("b", 20, 10).model("c", 20, 12);
        SwapPlan plan = place(p, "t", idle("big"), idle("b"), idle("c"));
        // big alone (60 s) or b and c (22 s) both free enough: the cheaper pair goes
        assertEquals(List.of("b", "c"), plan.evict());
        assertEquals("evicted b (20 GiB, reloads in 10 s) to fit t (30 GiB)", plan.ruleFor("b"));
        assertNull(plan.refusal());
    }

    @Test
    void aSingleModelIsEnoughWhenItFreesEnough() {
        Pictures p = new Pictures().gpu(0, 80, 0).reserve(2).model("t", 30, 5)
                .model("a", 22, 41).model("b", 30, 5).model("c", 20, 80);
        // 78 usable, 72 kept: 24 more must go. b alone (5 s) frees 30.
        assertEquals(List.of("b"), place(p, "t", idle("a"), idle("b"), idle("c")).evict());
    }

    @Test
    void aBusyModelIsPassedOverWhenIdleOnesSuffice() {
        Pictures p = new Pictures().gpu(0, 80, 0).reserve(2).model("t", 30, 5)
                .model("big", 40, 60).model("b", 20, 10).model("c", 20, 12);
        assertEquals(List.of("big"), place(p, "t", idle("big"), busy("b"), idle("c")).evict());
    }

    @Test
    void onlyBusyModelsWouldDoSoTheyAreNamedForTheSchedulerToWaitFor() {
        Pictures p = new Pictures().gpu(0, 80, 0).reserve(2).model("t", 50, 5).model("b", 60, 10);
        assertEquals(List.of("b"), place(p, "t", busy("b")).evict());
    }

    @Test
    void aModelLargerThanItsGpuIsRefusedWithTheNumbers() {
        Pictures p = new Pictures().gpu(0, 80, 0).reserve(2).model("huge", 90, 5);
        SwapPlan plan = place(p, "huge");
        assertEquals("huge (90 GiB) needs 90 GiB on GPU 0, which has 80 GiB with 2 GiB reserved: it can never fit",
                plan.refusal());
    }

    @Test
    void memoryOtherProcessesHoldIsRespected() {
        Pictures p = new Pictures().gpu(0, 80, 50).reserve(2).model("t", 30, 5).model("b", 10, 5);
        SwapPlan plan = place(p, "t", idle("b"));
        assertNotNull(plan.refusal());
        assertTrue(plan.refusal().contains("50 GiB are held by processes modelswap does not own"), plan.refusal());

        Pictures q = new Pictures().gpu(0, 80, 40).reserve(2).model("t", 30, 5).model("b", 10, 5);
        assertEquals(List.of("b"), place(q, "t", idle("b")).evict(), "38 usable: b (10) must leave for t (30)");
    }

    @Test
    void aModelOnAnotherGpuIsNeverEvictedForMemory() {
        Pictures p = new Pictures().gpu(0, 24, 0).gpu(1, 24, 0)
                .model("t", 20, 5, 0).model("other", 20, 1, 1).model("same", 10, 60, 0);
        assertEquals(List.of("same"), place(p, "t", idle("other"), idle("same")).evict());
    }

    @Test
    void aModelOnTwoGpusCountsHalfOnEach() {
        Pictures p = new Pictures().gpu(0, 24, 0).gpu(1, 24, 0).model("t", 40, 5).model("b", 10, 5, 1);
        // t takes 20 on each GPU; b's 10 on GPU 1 leaves 14 there
        assertEquals(List.of("b"), place(p, "t", idle("b")).evict());
        Pictures q = new Pictures().gpu(0, 24, 0).gpu(1, 24, 0).model("t", 40, 5).model("b", 4, 5, 1);
        assertEquals(List.of(), place(q, "t", idle("b")).evict());
    }

    @Test
    void evictCostsReplaceTheLearnedReloadTimes() {
        Pictures p = new Pictures().gpu(0, 80, 0).model("t", 30, 5).model("a", 40, 1).model("b", 40, 100);
        assertEquals(List.of("a"), place(p, "t", idle("a"), idle("b")).evict());
        p.evictCosts.put("a", 9);
        p.evictCosts.put("b", 2);
        SwapPlan plan = place(p, "t", idle("a"), idle("b"));
        assertEquals(List.of("b"), plan.evict());
        assertEquals("evicted b (40 GiB, evict cost 2) to fit t (30 GiB)", plan.ruleFor("b"));
    }

    @Test
    void aPinnedModelIsNeverEvictedAndItsNeighbourLoadsWithAnAdvisory() {
        Pictures p = new Pictures().gpu(0, 80, 0).model("t", 50, 5).model("pin", 40, 1).pin("pin");
        SwapPlan plan = place(p, "t", idle("pin"));
        assertEquals(List.of(), plan.evict());
        assertNull(plan.refusal());
        assertEquals("advisory: t (50 GiB) will not fit next to pinned pin (40 GiB); loading it anyway",
                plan.summary());
    }

    @Test
    void unknownMemoryIsPlacedAsToday() {
        Pictures p = new Pictures().gpu(0, 8, 0).model("b", 8, 5);
        assertSame(SwapPlan.NOTHING, place(p, "mystery", idle("b")));
    }

    @Test
    void theGroupPlansVictimsAreCountedAsGone() {
        Pictures p = new Pictures().gpu(0, 80, 0).model("t", 50, 5).model("g", 40, 100).model("b", 30, 1);
        SwapPlan base = SwapPlan.evicting(List.of("g"), "group", null);
        SwapPlan plan = Placement.place("t", List.of(idle("g"), idle("b")), base, p.build());
        assertEquals(List.of("g"), plan.evict(), "with g gone, t fits beside b");
        assertEquals("group", plan.ruleFor("g"));
    }

    @Test
    void aRunningTargetIsNeverRefused() {
        Pictures p = new Pictures().gpu(0, 80, 79).model("t", 50, 5);
        assertSame(SwapPlan.NOTHING, place(p, "t", idle("t")));
    }
}
