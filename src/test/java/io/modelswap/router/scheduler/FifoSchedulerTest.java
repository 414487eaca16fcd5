package io.modelswap.router.scheduler;

import io.modelswap.config.GroupConfig;
import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.modelswap.process.ProcessState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.modelswap.router.scheduler.SchedulerHarness.everythingFits;
import static io.modelswap.router.scheduler.SchedulerHarness.oneAtATime;
import static io.modelswap.router.scheduler.SchedulerHarness.policies;
import static io.modelswap.router.scheduler.SchedulerHarness.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The llama-swap FIFO behaviours (fifo_test.go's list) plus cancellation. */
class FifoSchedulerTest {

    @Test
    void readyModelWithNothingToEvictIsServedAtOnce() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.alreadyReady("a");
        h.request("a");
        assertEquals(List.of("admit a#1", "grant a#1"), h.fx.log);
    }

    @Test
    void stoppedModelIsStartedThenServed() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        Ticket t = h.request("a");
        assertEquals(List.of("admit a#1", "swap a evict []"), h.fx.take());
        h.ready("a");
        assertEquals(List.of("grant a#1"), h.fx.take());
        h.done(t);
        assertEquals(0, h.load("a").admitted());
    }

    @Test
    void secondRequestJoinsTheActiveSwap() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.requests("a", "a");
        assertEquals(List.of("swap a evict []"), h.fx.only("swap"));
        assertEquals(2, h.load("a").waiting());
        h.ready("a");
        assertEquals(List.of("grant a#1", "grant a#2"), h.fx.only("grant"));
        assertEquals(2, h.load("a").inFlight());
    }

    @Test
    void failedSwapFailsAllWaitersWithTheStartError() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.requests("a", "a");
        h.fx.take();
        h.scheduler.onSwapDone("a", SchedulerHarness.startFailed("a", "exit status 1"));
        assertEquals(List.of("fail a#1 START_FAILED", "fail a#2 START_FAILED"), h.fx.take());
        assertEquals(0, h.load("a").admitted());
    }

    @Test
    void startErrorMessageReachesTheTicket() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        ServeFailure[] seen = new ServeFailure[1];
        h.scheduler = new FifoScheduler(settings(policies("a"), oneAtATime()), h.clock, new RecordingEffects() {
            @Override
            public void fail(Ticket t, ServeFailure f) {
                seen[0] = f;
            }
        });
        h.request("a");
        h.scheduler.onSwapDone("a", SchedulerHarness.startFailed("a", "health check timed out"));
        assertEquals(FailureCause.START_FAILED, seen[0].failureCause());
        assertEquals("health check timed out", seen[0].getMessage());
    }

    @Test
    void requestCollidingWithASwapWaitsForTheSwapAndItsRequests() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b");
        Ticket a = h.request("a");
        h.request("b");
        assertEquals(List.of("swap a evict []"), h.fx.only("swap"));
        assertEquals(1, h.load("b").queued());
        h.ready("a");
        assertEquals(List.of("swap a evict []"), h.fx.only("swap"), "b must not stop a while a serves");
        h.done(a);
        assertEquals(List.of("swap a evict []", "swap b evict [a]"), h.fx.only("swap"));
    }

    @Test
    void disjointSwapsRunInParallel() {
        SchedulerHarness h = new SchedulerHarness(everythingFits(), "a", "b");
        h.requests("a", "b");
        assertEquals(List.of("swap a evict []", "swap b evict []"), h.fx.only("swap"));
    }

    @Test
    void overlappingEvictSetsDoNotRunInParallel() {
        // a and b both need x gone; a and b may run together.
        Swapper s = SchedulerHarness.byNames((target, running) -> running.contains("x") && !target.equals("x")
                ? List.of("x") : List.of());
        SchedulerHarness h = new SchedulerHarness(s, "a", "b", "x");
        h.alreadyReady("x");
        h.requests("a", "b");
        assertEquals(List.of("swap a evict [x]"), h.fx.only("swap"));
        h.stopped("x");
        h.ready("a");
        assertEquals(List.of("swap a evict [x]", "swap b evict []"), h.fx.only("swap"));
    }

    @Test
    void drainingTheQueuePromotesEveryUnblockedTicket() {
        SchedulerHarness h = new SchedulerHarness(SchedulerHarness.groups(
                new GroupConfig("g", false, true, false, List.of("a", "b", "c"))), "a", "b", "c", "z");
        Ticket z = h.request("z");
        h.requests("a", "b", "c");
        h.ready("z");
        h.fx.take();
        h.done(z);
        assertEquals(List.of("swap a evict [z]"), h.fx.only("swap"), "b and c collide with a's eviction of z");
        h.fx.take();
        h.stopped("z");
        h.ready("a");
        assertEquals(List.of("swap b evict []", "swap c evict []", "grant a#2"), h.fx.only("grant", "swap"));
    }

    /** llama-swap's QueueCollation: A B C A B C, each evicting the others, is served A A B B C C with one start each. */
    @Test
    void interleavedRequestsAreCollatedOneStartPerModel() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "A", "B", "C");
        List<Ticket> t = h.requests("A", "B", "C", "A", "B", "C");
        h.ready("A");
        h.done(t.get(0), t.get(3));
        h.stopped("A");
        h.ready("B");
        h.done(t.get(1), t.get(4));
        h.stopped("B");
        h.ready("C");
        h.done(t.get(2), t.get(5));
        assertEquals(List.of("swap A evict []", "grant A#1", "grant A#4", "swap B evict [A]", "grant B#2", "grant B#5",
                "swap C evict [B]", "grant C#3", "grant C#6"), h.fx.only("swap", "grant"));
    }

    @Test
    void busyModelIsNeverEvicted() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b");
        h.alreadyReady("a");
        Ticket a = h.request("a");
        h.request("b");
        assertEquals(List.of(), h.fx.only("swap"));
        h.done(a);
        assertEquals(List.of("swap b evict [a]"), h.fx.only("swap"));
    }

    @Test
    void refusedGrantReleasesTheSlotAndCountsNothingInFlight() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b");
        h.alreadyReady("a");
        h.fx.gone.add(1L);
        h.request("a");
        assertEquals(0, h.load("a").inFlight());
        assertEquals(0, h.load("a").admitted());
        h.request("b");
        assertEquals(List.of("swap b evict [a]"), h.fx.only("swap"), "a is idle, so b may evict it");
    }

    @Test
    void refusedGrantAfterASwapReleasesTheSlot() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.request("a");
        h.fx.gone.add(1L);
        h.ready("a");
        assertEquals(List.of("grant-refused a#1"), h.fx.only("grant-refused"));
        assertEquals(new SchedulerSnapshot.ModelLoad(0, 0, 0, 0, false, h.clock.instant()), h.load("a"));
    }

    @Test
    void snapshotTellsWhenAReadyModelBecameIdleForItsTtlCountdown() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        Ticket t = h.request("a");
        assertNull(h.load("a").idleSince(), "not ready yet");
        h.ready("a");
        assertNull(h.load("a").idleSince(), "serving: the TTL does not run");
        h.clock.advance(java.time.Duration.ofSeconds(7));
        h.done(t);
        assertEquals(h.clock.instant(), h.load("a").idleSince(), "idle from the end of the last request");
        h.stopped("a");
        assertNull(h.load("a").idleSince(), "a stopped model has no TTL running");
    }

    @Test
    void shutdownFailsEveryoneStopsRunningModelsAndRejectsLaterRequests() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b", "c");
        h.alreadyReady("c");
        Ticket c = h.request("c");
        h.requests("a", "b");
        h.fx.take();
        h.scheduler.onShutdown();
        assertEquals(List.of("fail a#2 SHUTTING_DOWN", "fail b#3 SHUTTING_DOWN", "stop [c] SHUTDOWN"), h.fx.take());
        h.request("c");
        assertEquals(List.of("reject c#4 SHUTTING_DOWN"), h.fx.take());
        h.scheduler.onSwapDone("a", Optional.empty());
        h.done(c);
        assertEquals(List.of(), h.fx.take(), "late answers after shutdown do nothing");
    }

    @Test
    void unknownModelIsRejectedEvenAfterShutdown() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.request("nope");
        h.scheduler.onShutdown();
        h.request("nope");
        assertEquals(List.of("reject nope#1 UNKNOWN_MODEL", "reject nope#2 UNKNOWN_MODEL"), h.fx.log);
    }

    @Test
    void aRequestRightAfterAnUnloadIsNotHandedTheInstanceBeingStopped() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        Ticket first = h.request("a");
        h.ready("a");
        h.done(first);
        h.scheduler.onUnload(List.of("a"));
        h.fx.take();
        h.request("a"); // before the process has reported STOPPING
        assertEquals(List.of("admit a#2", "swap a evict []"), h.fx.take());
    }

    @Test
    void unloadFailsSwapWaitersAndStopsTheModel() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.requests("a", "a");
        h.fx.take();
        h.scheduler.onUnload(List.of("a"));
        assertEquals(List.of("fail a#1 UNLOADED", "fail a#2 UNLOADED", "stop [a] UNLOAD"), h.fx.take(),
                "one stop, with the unload as its reason, aborts the load");
        h.scheduler.onSwapDone("a", SchedulerHarness.startFailed("a", "aborted"));
        assertEquals(List.of(), h.fx.take());
        h.request("a");
        assertEquals(List.of("admit a#3", "swap a evict []"), h.fx.take(), "a later request starts it again");
    }

    @Test
    void unloadDropsQueuedTicketsOfThatModelOnly() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b", "c");
        h.alreadyReady("a");
        Ticket a = h.request("a");
        h.requests("b", "c");
        h.fx.take();
        h.scheduler.onUnload(List.of("b"));
        assertEquals(List.of("fail b#2 UNLOADED", "position c#3 1"), h.fx.take());
        assertEquals(1, h.scheduler.snapshot().totalQueued());
        h.done(a);
        assertEquals(List.of("swap c evict [a]"), h.fx.only("swap"));
    }

    @Test
    void unloadOfNothingNamedUnloadsEveryRunningModel() {
        SchedulerHarness h = new SchedulerHarness(everythingFits(), "a", "b", "c");
        h.alreadyReady("a", "c");
        h.scheduler.onUnload(List.of());
        assertEquals(List.of("stop [a, c] UNLOAD"), h.fx.log);
    }

    @Test
    void queueIsOrderedByPriorityThenArrival() {
        Map<String, ModelPolicy> p = policies("a", "lo", "hi", "hi2");
        p.put("hi", new ModelPolicy(0, 5, Duration.ZERO, Duration.ZERO));
        p.put("hi2", new ModelPolicy(0, 5, Duration.ZERO, Duration.ZERO));
        SchedulerHarness h = new SchedulerHarness(settings(p, oneAtATime()));
        h.alreadyReady("a");
        Ticket a = h.request("a");
        h.requests("lo", "hi", "hi2");
        assertEquals(List.of("position lo#2 1", "position hi#3 1", "position lo#2 2", "position hi2#4 2",
                "position lo#2 3"), h.fx.only("position"));
        h.fx.take();
        h.done(a);
        assertEquals(List.of("swap hi evict [a]"), h.fx.only("swap"));
    }

    @Test
    void aRequestsOwnPriorityIsAddedToItsModels() {
        Map<String, ModelPolicy> p = policies("a", "lo", "hi");
        p.put("hi", new ModelPolicy(0, 5, Duration.ZERO, Duration.ZERO));
        SchedulerHarness h = new SchedulerHarness(settings(p, oneAtATime()));
        h.alreadyReady("a");
        Ticket a = h.request("a");
        h.request("hi");
        h.request("lo", 10); // lo's own priority is 0, the request's key adds 10: it passes hi (5)
        assertEquals(List.of("position hi#2 1", "position lo#3 1", "position hi#2 2"), h.fx.only("position"));
        h.fx.take();
        h.done(a);
        assertEquals(List.of("swap lo evict [a]"), h.fx.only("swap"));
    }

    @Test
    void cancellingAQueuedTicketReleasesItsSlotAndMovesOthersUp() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b", "c");
        h.alreadyReady("a");
        h.request("a");
        Ticket b = h.request("b");
        h.request("c");
        h.fx.take();
        h.scheduler.onCancel(b);
        assertEquals(List.of("fail b#2 CANCELLED", "position c#3 1"), h.fx.take());
        assertEquals(0, h.load("b").admitted());
    }

    @Test
    void cancellingTheLastSwapWaiterCancelsTheSwap() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        Ticket t1 = h.request("a");
        Ticket t2 = h.request("a");
        h.fx.take();
        h.scheduler.onCancel(t1);
        assertEquals(List.of("fail a#1 CANCELLED"), h.fx.take(), "someone still waits");
        h.scheduler.onCancel(t2);
        assertEquals(List.of("fail a#2 CANCELLED", "cancelSwap a"), h.fx.take());
        assertEquals(0, h.load("a").admitted());
    }

    @Test
    void lateAnswerOfACancelledSwapGrantsNobodyAndDrainsTheQueue() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b");
        Ticket a = h.request("a");
        h.request("b");
        h.scheduler.onCancel(a);
        h.fx.take();
        h.scheduler.onSwapDone("a", SchedulerHarness.startFailed("a", "cancelled"));
        h.stopped("a");
        assertEquals(List.of("swap b evict []"), h.fx.only("swap", "grant", "fail"));
    }

    @Test
    void requestJoiningACancelledSwapIsRetriedWhenTheAbortFails() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.scheduler.onCancel(h.request("a"));
        h.request("a");
        h.fx.take();
        assertEquals(1, h.load("a").waiting(), "joins the swap still under way: never two swaps for a");
        h.scheduler.onSwapDone("a", SchedulerHarness.startFailed("a", "aborted"));
        assertEquals(List.of("swap a evict []"), h.fx.take());
    }

    @Test
    void requestJoiningACancelledSwapIsServedWhenTheLoadFinishedAnyway() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.scheduler.onCancel(h.request("a"));
        h.request("a");
        h.fx.take();
        h.ready("a");
        assertEquals(List.of("grant a#2"), h.fx.take());
    }

    @Test
    void cancellingAnInFlightOrUnknownTicketChangesNothing() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.alreadyReady("a");
        Ticket t = h.request("a");
        h.fx.take();
        h.scheduler.onCancel(t);
        h.scheduler.onCancel(new Ticket(99, "a"));
        assertEquals(List.of(), h.fx.log);
        assertEquals(1, h.load("a").inFlight());
    }

    @Test
    void repeatedOrUnknownServeDoneIsIgnored() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.alreadyReady("a");
        Ticket t = h.request("a");
        h.request("a");
        h.done(t, t, new Ticket(42, "a"));
        assertEquals(1, h.load("a").inFlight());
        assertEquals(1, h.load("a").admitted());
    }

    @Test
    void concurrencyLimitRejectsOverTheLimit() {
        Map<String, ModelPolicy> p = policies("a");
        p.put("a", new ModelPolicy(2, 0, Duration.ZERO, Duration.ZERO));
        SchedulerHarness h = new SchedulerHarness(settings(p, oneAtATime()));
        h.alreadyReady("a");
        Ticket first = h.request("a");
        h.requests("a", "a");
        assertEquals(List.of("admit a#1", "grant a#1", "admit a#2", "grant a#2", "reject a#3 CONCURRENCY_LIMIT"), h.fx.take());
        h.done(first);
        h.request("a");
        assertEquals(List.of("admit a#4", "grant a#4"), h.fx.take());
    }

    @Test
    void defaultConcurrencyLimitIsTen() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.alreadyReady("a");
        for (int i = 0; i < 11; i++) {
            h.request("a");
        }
        assertEquals(List.of("reject a#11 CONCURRENCY_LIMIT"), h.fx.only("reject"));
    }

    @Test
    void swapWaitersHoldConcurrencySlots() {
        Map<String, ModelPolicy> p = policies("a");
        p.put("a", new ModelPolicy(1, 0, Duration.ZERO, Duration.ZERO));
        SchedulerHarness h = new SchedulerHarness(settings(p, oneAtATime()));
        h.requests("a", "a");
        assertEquals(List.of("reject a#2 CONCURRENCY_LIMIT"), h.fx.only("reject"));
    }

    @Test
    void queuedTicketsHoldConcurrencySlotsUntilCancelled() {
        Map<String, ModelPolicy> p = policies("a", "b");
        p.put("b", new ModelPolicy(1, 0, Duration.ZERO, Duration.ZERO));
        SchedulerHarness h = new SchedulerHarness(settings(p, oneAtATime()));
        h.alreadyReady("a");
        h.request("a");
        Ticket b = h.request("b");
        h.request("b");
        assertEquals(List.of("reject b#3 CONCURRENCY_LIMIT"), h.fx.only("reject"));
        h.scheduler.onCancel(b);
        h.request("b");
        assertEquals(List.of("reject b#3 CONCURRENCY_LIMIT"), h.fx.only("reject"));
        assertEquals(1, h.load("b").queued());
    }

    @Test
    void admissionIsSaidBeforeAnyGrantOrFailure() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.request("a");
        h.scheduler.onSwapDone("a", SchedulerHarness.startFailed("a", "boom"));
        assertEquals(List.of("admit a#1", "swap a evict []", "fail a#1 START_FAILED"), h.fx.log);
    }

    @Test
    void requestForAStoppingModelStartsItAgain() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        h.alreadyReady("a");
        h.scheduler.onStateChanged("a", ProcessState.STOPPING);
        h.request("a");
        assertEquals(List.of("admit a#1", "swap a evict []"), h.fx.log);
    }

    @Test
    void modelEvictedByAnActiveSwapIsNotFastPathed() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b");
        h.alreadyReady("a");
        h.request("b");
        h.request("a");
        assertEquals(List.of("swap b evict [a]"), h.fx.only("swap", "grant"));
        assertEquals(1, h.load("a").queued());
    }

    @Test
    void swapSuccessCountsAsReadyEvenBeforeTheStateEventArrives() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a");
        Ticket t = h.request("a");
        h.scheduler.onSwapDone("a", Optional.empty());
        h.done(t);
        h.request("a");
        assertEquals(List.of("swap a evict []"), h.fx.only("swap"), "no second start for a ready model");
    }

    @Test
    void swapperSeesTargetsOfOtherActiveSwapsAsRunning() {
        List<String> seen = new java.util.ArrayList<>();
        Swapper s = SchedulerHarness.byNames((target, running) -> {
            seen.add(target + running);
            return List.of();
        });
        SchedulerHarness h = new SchedulerHarness(s, "a", "b");
        h.requests("a", "b");
        assertEquals(List.of("a[]", "b[a]"), seen);
    }

    @Test
    void aSwapperSeesEachResidentsInFlightCountAndLastUse() {
        List<Resident> seen = new java.util.ArrayList<>();
        Swapper s = (target, residents) -> {
            if (target.equals("c")) {
                seen.addAll(residents);
            }
            return SwapPlan.NOTHING;
        };
        SchedulerHarness h = new SchedulerHarness(s, "a", "b", "c");
        h.alreadyReady("a", "b");
        Ticket a = h.request("a");
        h.clock.advance(Duration.ofSeconds(5));
        java.time.Instant bGranted = h.clock.instant();
        h.request("b");
        h.clock.advance(Duration.ofSeconds(3));
        h.done(a);
        h.request("c");
        // a finished its request last; b still serves one
        assertEquals(List.of(new Resident("a", 0, h.clock.instant(), false), new Resident("b", 1, bGranted, false)),
                seen);
    }

    @Test
    void snapshotCountsEveryStage() {
        SchedulerHarness h = new SchedulerHarness(oneAtATime(), "a", "b");
        h.alreadyReady("a");
        h.request("a");
        h.requests("b", "b");
        SchedulerSnapshot snap = h.scheduler.snapshot();
        assertEquals(new SchedulerSnapshot.ModelLoad(0, 0, 1, 1, false), snap.models().get("a"));
        assertEquals(new SchedulerSnapshot.ModelLoad(2, 0, 0, 2, false), snap.models().get("b"));
        assertEquals(2, snap.totalQueued());
        assertTrue(h.scheduler.snapshot().models().containsKey("b"));
        assertFalse(snap.models().get("b").swapping());
    }
}
