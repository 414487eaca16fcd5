package io.modelswap.router.scheduler;

import io.modelswap.process.ProcessState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.modelswap.router.scheduler.SchedulerHarness.everythingFits;
import static io.modelswap.router.scheduler.SchedulerHarness.oneAtATime;
import static io.modelswap.router.scheduler.SchedulerHarness.policies;
import static io.modelswap.router.scheduler.SchedulerHarness.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What onSettings does to running, queued and waiting work. */
class SchedulerReloadTest {

    private static Map<String, ModelPolicy> withUnloadTimeout(long seconds, String... models) {
        Map<String, ModelPolicy> p = policies(models);
        for (String m : models) {
            p.put(m, new ModelPolicy(0, 0, Duration.ZERO, Duration.ofSeconds(seconds)));
        }
        return p;
    }

    @Test
    void removedModelFailsItsQueueButFinishesInFlightWorkBeforeStopping() {
        SchedulerHarness h = new SchedulerHarness(settings(withUnloadTimeout(30, "a", "b"), oneAtATime()));
        h.alreadyReady("a");
        Ticket a = h.request("a");
        h.request("b");
        Ticket a2 = h.request("a");
        h.fx.take();
        h.scheduler.onSettings(settings(policies("b"), oneAtATime()), Set.of());
        assertEquals(List.of(), h.fx.take(), "nothing queued for a; in flight continues");
        h.request("a");
        assertEquals(List.of("reject a#4 UNKNOWN_MODEL"), h.fx.take());
        h.done(a);
        assertEquals(List.of(), h.fx.only("stop"));
        h.done(a2);
        assertEquals(List.of("stop [a] RELOAD", "swap b evict [a]"), h.fx.only("stop", "swap"));
        h.stopped("a");
        assertFalse(h.scheduler.snapshot().models().containsKey("a"), "forgotten once gone");
    }

    @Test
    void removedModelQueuedAndWaitingTicketsFailModelRemoved() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b");
        h.request("a");
        h.request("b");
        h.fx.take();
        h.scheduler.onSettings(settings(policies("a"), oneAtATime()), Set.of());
        assertEquals(List.of("fail b#2 MODEL_REMOVED"), h.fx.take());
        h.scheduler.onSettings(settings(policies("b"), oneAtATime()), Set.of());
        assertEquals(List.of("fail a#1 MODEL_REMOVED", "cancelSwap a"), h.fx.take());
        h.scheduler.onSwapDone("a", Optional.empty());
        assertEquals(List.of("stop [a] RELOAD"), h.fx.take());
    }

    @Test
    void removedBusyModelIsStoppedWhenItsOldUnloadTimeoutPasses() {
        SchedulerHarness h = new SchedulerHarness(settings(withUnloadTimeout(30, "a"), oneAtATime()));
        h.alreadyReady("a");
        h.request("a");
        h.scheduler.onSettings(settings(policies("b"), oneAtATime()), Set.of());
        h.clock.advanceSeconds(29);
        h.scheduler.onTick();
        assertEquals(List.of(), h.fx.only("stop"));
        h.clock.advanceSeconds(1);
        h.scheduler.onTick();
        h.scheduler.onTick();
        assertEquals(List.of("stop [a] RELOAD"), h.fx.only("stop"));
    }

    @Test
    void changedRunningModelTakesNoNewWorkAndRestartsAfterItStops() {
        SchedulerHarness h = new SchedulerHarness(settings(withUnloadTimeout(30, "a"), oneAtATime()));
        h.alreadyReady("a");
        Ticket old = h.request("a");
        h.fx.take();
        h.scheduler.onSettings(settings(withUnloadTimeout(30, "a"), oneAtATime()), Set.of("a"));
        h.request("a");
        assertEquals(List.of("admit a#2", "position a#2 1"), h.fx.take(), "no grant to the old instance");
        h.done(old);
        assertEquals(List.of("stop [a] RELOAD"), h.fx.take());
        h.scheduler.onStateChanged("a", ProcessState.STOPPING);
        assertEquals(List.of(), h.fx.take());
        h.stopped("a");
        assertEquals(List.of("swap a evict []"), h.fx.take());
        h.ready("a");
        assertEquals(List.of("grant a#2"), h.fx.take());
    }

    @Test
    void changedBusyModelIsStoppedWhenItsUnloadTimeoutPasses() {
        SchedulerHarness h = new SchedulerHarness(settings(withUnloadTimeout(10, "a"), oneAtATime()));
        h.alreadyReady("a");
        h.request("a");
        h.scheduler.onSettings(settings(policies("a"), oneAtATime()), Set.of("a"));
        h.clock.advanceSeconds(10);
        h.scheduler.onTick();
        assertEquals(List.of("stop [a] RELOAD"), h.fx.only("stop"));
    }

    @Test
    void changedModelThatIsNotRunningIsSimplyStartedNextTime() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.scheduler.onSettings(settings(policies("a"), oneAtATime()), Set.of("a"));
        h.request("a");
        assertEquals(List.of("admit a#1", "swap a evict []"), h.fx.log);
    }

    @Test
    void unchangedModelsKeepTheirWorkSlotsAndTtl() {
        Map<String, ModelPolicy> p = policies("a", "b");
        p.put("a", new ModelPolicy(1, 0, Duration.ofSeconds(60), Duration.ZERO));
        SchedulerHarness h = new SchedulerHarness(settings(p, everythingFits()));
        h.alreadyReady("a", "b");
        Ticket a = h.request("a");
        h.clock.advanceSeconds(50);
        h.done(a);
        Ticket a2 = h.request("a");
        h.fx.take();
        h.scheduler.onSettings(settings(p, everythingFits()), Set.of("b"));
        assertEquals(List.of("stop [b] RELOAD"), h.fx.take(), "idle changed b stops at once; a untouched");
        h.request("a");
        assertEquals(List.of("reject a#3 CONCURRENCY_LIMIT"), h.fx.take(), "a's slot is still held");
        h.done(a2);
        h.clock.advanceSeconds(60);
        h.scheduler.onTick();
        assertEquals(List.of("stop [a] TTL"), h.fx.take());
    }

    @Test
    void newSwapperThatForbidsTheRunningSetKeepsTheMostRecentlyUsed() {
        SchedulerHarness h = new SchedulerHarness(everythingFits(), "a", "b", "c");
        h.alreadyReady("a", "b", "c");
        h.clock.advanceSeconds(1);
        h.done(h.request("b"));
        h.clock.advanceSeconds(1);
        Ticket c = h.request("c");
        h.fx.take();
        h.scheduler.onSettings(settings(policies("a", "b", "c"), oneAtATime()), Set.of());
        assertEquals(List.of("stop [a] RELOAD", "stop [b] RELOAD"), h.fx.take(), "busy c is kept");
        h.done(c);
        assertEquals(List.of(), h.fx.take());
    }

    @Test
    void incompatibleBusyModelIsStoppedAfterItDrains() {
        SchedulerHarness h = new SchedulerHarness(everythingFits(), "a", "b");
        h.alreadyReady("a", "b");
        h.clock.advanceSeconds(1);
        Ticket a = h.request("a");
        h.clock.advanceSeconds(1);
        Ticket b = h.request("b");
        h.fx.take();
        h.scheduler.onSettings(settings(withUnloadTimeout(30, "a", "b"), oneAtATime()), Set.of());
        assertEquals(List.of(), h.fx.take(), "a (used less recently) is busy: wait");
        h.done(b);
        assertEquals(List.of(), h.fx.take());
        h.done(a);
        assertEquals(List.of("stop [a] RELOAD"), h.fx.take());
    }

    @Test
    void rapidReloadsNeverStartTheSameModelTwice() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.request("a");
        for (int i = 0; i < 3; i++) {
            h.scheduler.onSettings(settings(policies("a"), oneAtATime()), Set.of("a"));
            h.request("a");
        }
        assertEquals(List.of("swap a evict []"), h.fx.only("swap"));
        h.ready("a");
        assertEquals(List.of("stop [a] RELOAD"), h.fx.only("stop"), "the old definition loaded: replace it");
        assertEquals(List.of(), h.fx.only("grant"));
        h.scheduler.onSettings(settings(policies("a"), oneAtATime()), Set.of("a"));
        assertEquals(List.of("stop [a] RELOAD"), h.fx.only("stop"), "never asked twice");
        h.stopped("a");
        assertEquals(List.of("swap a evict []", "swap a evict []"), h.fx.only("swap"));
        h.ready("a");
        assertEquals(4, h.fx.only("grant").size());
    }

    @Test
    void removedThenReAddedModelIsReplacedNotLeftRunning() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.alreadyReady("a");
        Ticket a = h.request("a");
        h.scheduler.onSettings(settings(Map.of(), oneAtATime()), Set.of());
        h.scheduler.onSettings(settings(policies("a"), oneAtATime()), Set.of("a"));
        h.request("a");
        h.done(a);
        assertEquals(List.of("stop [a] RELOAD"), h.fx.only("stop"));
        h.stopped("a");
        assertEquals(List.of("swap a evict []"), h.fx.only("swap"));
    }
}
