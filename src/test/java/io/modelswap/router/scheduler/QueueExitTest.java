package io.modelswap.router.scheduler;

import io.modelswap.testing.FakeClock;
import static io.modelswap.router.scheduler.SchedulerHarness.oneAtATime;
import static io.modelswap.router.scheduler.SchedulerHarness.policies;
import static io.modelswap.router.scheduler.SchedulerHarness.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler says when a ticket leaves the queue without ending, so a display can tell queued from loading. */
class QueueExitTest {

    /** Records queue exits beside the other effects. */
    static final class Exits extends RecordingEffects {
        final List<String> exits = new ArrayList<>();

        @Override
        public void leftQueue(Ticket t) {
            exits.add("left " + t.model() + "#" + t.id());
            log.add("left " + t.model() + "#" + t.id());
        }
    }

    @Test
    void aQueuedTicketThatStartsItsSwapIsToldItLeftTheQueue() {
        Exits fx = new Exits();
        FakeClock clock = new FakeClock();
        FifoScheduler scheduler = new FifoScheduler(settings(policies("a", "b"), oneAtATime()), clock, fx);
        scheduler.onStateChanged("a", io.modelswap.process.ProcessState.READY);
        Ticket a = new Ticket(1, "a");
        scheduler.onRequest(a);
        Ticket b = new Ticket(2, "b");
        scheduler.onRequest(b);
        assertEquals(List.of("admit a#1", "grant a#1", "admit b#2", "position b#2 1"), fx.take());
        scheduler.onServeDone(a);
        // b now starts the swap that evicts a: it waits for the load, no longer in the queue
        assertEquals(List.of("swap b evict [a]", "left b#2"), fx.take());
        assertEquals(List.of("left b#2"), fx.exits);
    }

    @Test
    void aTicketThatNeverQueuedIsNeverToldItLeft() {
        Exits fx = new Exits();
        FifoScheduler scheduler = new FifoScheduler(settings(policies("a", "b"), oneAtATime()), new FakeClock(), fx);
        scheduler.onRequest(new Ticket(1, "a"));
        scheduler.onRequest(new Ticket(2, "a")); // joins a's swap: collation, never queued
        assertEquals(List.of(), fx.exits);
    }
}
