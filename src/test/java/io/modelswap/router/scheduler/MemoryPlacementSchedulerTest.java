package io.modelswap.router.scheduler;

import static io.modelswap.config.ByteSize.GIB;
import static io.modelswap.router.scheduler.SchedulerHarness.everythingFits;
import static io.modelswap.router.scheduler.SchedulerHarness.policies;
import static io.modelswap.router.scheduler.SchedulerHarness.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelswap.placement.GpuMemory;
import io.modelswap.placement.MemoryPicture;
import io.modelswap.placement.ModelNeed;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The scheduler with memory-aware placement: evicts by memory, waits for busy models, refuses the impossible. */
class MemoryPlacementSchedulerTest {

    /** One 80 GiB GPU, 2 GiB reserved; a 30, b 22, c 40 and huge 90 GiB; nothing else evicts anything. */
    private static SchedulerHarness harness() {
        MemoryPicture picture = new MemoryPicture(List.of(new GpuMemory(0, 80 * GIB, 0)), 2 * GIB,
                Map.of("a", need(30), "b", need(22), "c", need(40), "huge", need(90)),
                Map.of("a", 40_000L, "b", 41_000L, "c", 20_000L), Map.of(), Set.of());
        return new SchedulerHarness(settings(policies("a", "b", "c", "huge"),
                new MemorySwapper(everythingFits(), () -> picture)));
    }

    private static ModelNeed need(long gib) {
        return new ModelNeed(gib * GIB, ModelNeed.Source.DECLARED, List.of());
    }

    @Test
    void modelsThatFitTogetherRunTogether() {
        SchedulerHarness h = harness();
        h.alreadyReady("a");
        h.request("b");
        assertEquals(List.of("swap b evict []"), h.fx.only("swap"));
    }

    @Test
    void aModelThatDoesNotFitEvictsAnIdleOne() {
        SchedulerHarness h = harness();
        h.alreadyReady("a", "b");
        h.request("c");
        // 78 usable, a + b = 52: c (40) needs 14 more. b reloads in 41 s, a in 40 s: a is cheaper.
        assertEquals(List.of("swap c evict [a]"), h.fx.only("swap"));
    }

    @Test
    void aRequestWaitsWhileTheOnlyModelThatCouldMakeRoomIsBusy() {
        SchedulerHarness h = harness();
        h.alreadyReady("a", "b");
        Ticket onA = h.request("a");
        Ticket onB = h.request("b");
        h.fx.take();
        h.request("c");
        assertEquals(List.of("admit c#3", "position c#3 1"), h.fx.take(), "c queues: a and b are both busy");
        h.done(onB);
        assertEquals(List.of("swap c evict [b]"), h.fx.only("swap"), "b finished first, and b alone makes room");
        h.done(onA);
    }

    @Test
    void aModelLargerThanTheGpuIsRefusedAtOnce() {
        SchedulerHarness h = harness();
        h.request("huge");
        assertEquals(List.of("admit huge#1", "fail huge#1 INSUFFICIENT_MEMORY"), h.fx.take());
        assertEquals(0, h.load("huge").admitted());
    }
}
