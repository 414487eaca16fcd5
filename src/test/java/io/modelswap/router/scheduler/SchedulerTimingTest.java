package io.modelswap.router.scheduler;

import io.modelswap.process.ProcessState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.modelswap.router.scheduler.SchedulerHarness.oneAtATime;
import static io.modelswap.router.scheduler.SchedulerHarness.policies;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rules driven by the clock: starvation guard, minimum residency and TTL. */
class SchedulerTimingTest {

    private static SchedulerHarness withTimers(Duration starvation, Duration residency, Map<String, ModelPolicy> p) {
        return new SchedulerHarness(new SchedulerSettings(p, oneAtATime(), starvation, residency));
    }

    @Test
    void withoutStarvationGuardABusyModelKeepsBeingFastPathed() {
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ZERO, policies("a", "b"));
        h.alreadyReady("a");
        Ticket first = h.request("a");
        h.request("b");
        h.clock.advanceSeconds(600);
        Ticket second = h.request("a");
        h.done(first);
        assertEquals(List.of("grant a#1", "grant a#3"), h.fx.only("grant", "swap"), "llama-swap behaviour");
        h.done(second);
        assertEquals(List.of("swap b evict [a]"), h.fx.only("swap"));
    }

    @Test
    void starvedTicketStopsFastPathsForTheModelBlockingIt() {
        SchedulerHarness h = withTimers(Duration.ofSeconds(30), Duration.ZERO, policies("a", "b"));
        h.alreadyReady("a");
        Ticket first = h.request("a");
        h.request("b");
        h.clock.advanceSeconds(10);
        h.request("a");
        assertEquals(List.of("grant a#1", "grant a#3"), h.fx.only("grant"), "not starved yet");
        h.clock.advanceSeconds(20);
        h.request("a");
        assertEquals(List.of("grant a#1", "grant a#3"), h.fx.only("grant"), "a#4 queues behind starved b#2");
        assertEquals(1, h.load("a").queued());
        h.done(first);
        h.done(new Ticket(3, "a"));
        assertEquals(List.of("swap b evict [a]"), h.fx.only("swap"), "swap happens as soon as a drains");
        h.stopped("a");
        h.ready("b");
        assertEquals(List.of("grant a#1", "grant a#3", "grant b#2"), h.fx.only("grant"));
    }

    @Test
    void starvationGuardLeavesUnrelatedModelsAlone() {
        Swapper s = SchedulerHarness.byNames((target, running) -> target.equals("b") && running.contains("a")
                ? List.of("a") : List.of());
        SchedulerHarness h = withTimers(Duration.ofSeconds(30), Duration.ZERO, policies("a", "b", "c"));
        h.scheduler = new FifoScheduler(new SchedulerSettings(policies("a", "b", "c"), s, Duration.ofSeconds(30),
                Duration.ZERO), h.clock, h.fx);
        h.alreadyReady("a", "c");
        h.request("a");
        h.request("b");
        h.clock.advanceSeconds(60);
        h.request("c");
        assertEquals(List.of("grant a#1", "grant c#3"), h.fx.only("grant"));
    }

    @Test
    void freshModelIsNotEvictedBeforeItServesOrItsResidencyPasses() {
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ofSeconds(20), policies("a", "b"));
        h.alreadyReady("a"); // e.g. preloaded, or its requester left
        h.request("b");
        assertEquals(List.of(), h.fx.only("swap"));
        h.clock.advanceSeconds(19);
        h.scheduler.onTick();
        assertEquals(List.of(), h.fx.only("swap"));
        h.clock.advanceSeconds(1);
        h.scheduler.onTick();
        assertEquals(List.of("swap b evict [a]"), h.fx.only("swap"));
    }

    @Test
    void residencyEndsOnceTheModelHasServed() {
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ofSeconds(20), policies("a", "b"));
        h.alreadyReady("a");
        h.request("b");
        Ticket a = h.request("a");
        h.done(a);
        assertEquals(List.of("swap b evict [a]"), h.fx.only("swap"));
    }

    @Test
    void residencyIsOffByDefault() {
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ZERO, policies("a", "b"));
        h.alreadyReady("a");
        h.request("b");
        assertEquals(List.of("swap b evict [a]"), h.fx.only("swap"));
    }

    private static Map<String, ModelPolicy> ttl(long seconds, String... models) {
        Map<String, ModelPolicy> p = policies(models);
        p.put(models[0], new ModelPolicy(0, 0, Duration.ofSeconds(seconds), Duration.ZERO));
        return p;
    }

    @Test
    void idleModelIsStoppedOnceWhenItsTtlPasses() {
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ZERO, ttl(60, "a"));
        Ticket t = h.request("a");
        h.ready("a");
        h.clock.advanceSeconds(100);
        h.scheduler.onTick();
        assertEquals(List.of(), h.fx.only("stop"), "busy models never expire");
        h.done(t);
        h.clock.advanceSeconds(59);
        h.scheduler.onTick();
        assertEquals(List.of(), h.fx.only("stop"), "TTL counts from the end of the last request");
        h.clock.advanceSeconds(1);
        h.scheduler.onTick();
        h.scheduler.onTick();
        assertEquals(List.of("stop [a] TTL"), h.fx.only("stop"));
        h.scheduler.onStateChanged("a", ProcessState.STOPPING);
        h.scheduler.onTick();
        assertEquals(List.of("stop [a] TTL"), h.fx.only("stop"));
    }

    @Test
    void aRequestRightAfterATtlStopWaitsForAFreshStartInsteadOfTheDyingInstance() {
        // llama-swap #946: the process reports STOPPING a moment after the stop is asked for; a request in between
        // must not be handed the instance that is being stopped
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ZERO, ttl(60, "a"));
        Ticket first = h.request("a");
        h.ready("a");
        h.done(first);
        h.clock.advanceSeconds(60);
        h.scheduler.onTick();
        h.fx.take();
        h.request("a");
        assertEquals(List.of("admit a#2", "swap a evict []"), h.fx.take());
    }

    @Test
    void ttlCountsFromReadyWhenNothingWasServed() {
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ZERO, ttl(60, "a"));
        h.alreadyReady("a");
        h.clock.advanceSeconds(60);
        h.scheduler.onTick();
        assertEquals(List.of("stop [a] TTL"), h.fx.log);
    }

    @Test
    void ttlIsOffWhenZero() {
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ZERO, policies("a"));
        h.alreadyReady("a");
        h.clock.advanceSeconds(100_000);
        h.scheduler.onTick();
        assertEquals(List.of(), h.fx.log);
    }

    @Test
    void queuedTicketsKeepAModelFromExpiring() {
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ZERO, ttl(60, "a", "b"));
        h.alreadyReady("b");
        Ticket b = h.request("b");
        h.alreadyReady("a");
        h.request("a"); // a is ready but would evict busy b, so this ticket queues
        h.clock.advanceSeconds(120);
        h.scheduler.onTick();
        assertEquals(List.of(), h.fx.only("stop"));
        h.done(b);
    }

    @Test
    void requestDuringATtlStopStartsTheModelAgain() {
        SchedulerHarness h = withTimers(Duration.ZERO, Duration.ZERO, ttl(60, "a"));
        h.alreadyReady("a");
        h.clock.advanceSeconds(60);
        h.scheduler.onTick();
        h.scheduler.onStateChanged("a", ProcessState.STOPPING);
        h.request("a");
        assertEquals(List.of("swap a evict []"), h.fx.only("swap"));
        h.scheduler.onStateChanged("a", ProcessState.STOPPED);
        h.ready("a");
        assertEquals(List.of("grant a#1"), h.fx.only("grant"));
        h.clock.advanceSeconds(30);
        h.scheduler.onTick();
        assertEquals(List.of("stop [a] TTL"), h.fx.only("stop"), "a fresh TTL period, no repeat stop");
    }
}
