package io.modelswap.router.scheduler;

import io.modelswap.process.ProcessState;
import io.modelswap.router.scheduler.ModelBook.Retire;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The scheduler's rules that depend on time: the starvation guard ({@code starvationTimeout}), the residency guard
 * ({@code minResidency}) and the idle timeout ({@code ttl}). Pure like its scheduler: it reads the scheduler's books,
 * swaps, settings and clock, and decides nothing but yes or no; the scheduler acts on the answer.
 */
final class TimeGuards {

    private final FifoScheduler s;

    TimeGuards(FifoScheduler scheduler) {
        this.s = scheduler;
    }

    /**
     * Starvation guard: a ticket queued longer than starvationTimeout holds back fast paths for models its
     * own swap would stop, so their in-flight work drains and its swap can happen.
     */
    boolean blocksStarved(String model, List<TicketQueue.Entry> ahead) {
        Duration limit = s.settings().starvationTimeout();
        if (limit.isZero() || ahead.isEmpty()) {
            return false;
        }
        Instant now = s.now();
        for (TicketQueue.Entry e : ahead) {
            String other = e.ticket.model();
            if (!other.equals(model) && !e.since.plus(limit).isAfter(now)
                    && s.settings().swapper().plan(other, s.residents(other)).evict().contains(model)) {
                return true;
            }
        }
        return false;
    }

    /** A model ready for less than minResidency that has not served yet: a swap may not stop it. */
    boolean isResidencyProtected(ModelBook b) {
        Duration min = s.settings().minResidency();
        return !min.isZero() && b.state == ProcessState.READY && b.readySince != null && !b.servedSinceReady
                && s.now().isBefore(b.readySince.plus(min));
    }

    /** A model idle (ready or asleep, nothing admitted, no swap touching it) for its ttl: it is stopped. */
    boolean ttlExpired(ModelBook b, Instant now) {
        ModelPolicy p = s.settings().models().get(b.model);
        SwapTable swaps = s.swaps();
        if (p == null || p.ttl().isZero() || b.stopIssued || b.retire != Retire.NONE
                || (b.state != ProcessState.READY && b.state != ProcessState.SLEEPING) // asleep: stopped for real
                || b.admitted > 0 || b.inFlight > 0
                || swaps.get(b.model) != null || swaps.isEvicting(b.model)) {
            return false;
        }
        Instant idle = b.idleSince();
        return idle != null && !now.isBefore(idle.plus(p.ttl()));
    }
}
