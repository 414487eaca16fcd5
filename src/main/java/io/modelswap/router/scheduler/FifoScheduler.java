package io.modelswap.router.scheduler;

import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.modelswap.process.ProcessState;
import io.modelswap.process.StopCause;
import io.modelswap.router.scheduler.ModelBook.Retire;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * llama-swap's FIFO scheduler: admission, collation of requests onto one swap, a priority queue, parallel
 * non-colliding swaps, and never stopping a busy model; plus starvation guard, minimum residency and TTL
 * ({@link TimeGuards}) and config-reload rules ({@link ReloadRules}). Pure state: every method runs on the router
 * loop, talks to the world only through {@link Effects}, and reads time only from the injected clock.
 *
 * <p>Every admitted ticket ends exactly once: {@code grantServe} (whatever it answers) or {@code fail}.
 */
public final class FifoScheduler {

    private final InstantSource clock;
    private final Effects effects;
    private SchedulerSettings settings;
    private final Map<String, ModelBook> books = new LinkedHashMap<>();
    private final TicketQueue queue = new TicketQueue();
    private final SwapTable swaps = new SwapTable();
    /** Ticket id to model for granted requests, so a stray or repeated onServeDone cannot skew counters. */
    private final Map<Long, String> inFlight = new HashMap<>();
    private final ReloadRules reload;
    private final TimeGuards guards;
    private boolean shutdown;
    private boolean draining;

    public FifoScheduler(SchedulerSettings settings, InstantSource clock, Effects effects) {
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
        this.effects = Objects.requireNonNull(effects);
        this.reload = new ReloadRules(this);
        this.guards = new TimeGuards(this);
        settings.models().keySet().stream().sorted().forEach(m -> books.put(m, new ModelBook(m)));
    }

    // ---- events -------------------------------------------------------------------------------------

    public void onRequest(Ticket t) {
        ModelPolicy policy = settings.models().get(t.model());
        if (policy == null) {
            effects.reject(t, new ServeFailure(FailureCause.UNKNOWN_MODEL, t.model(),
                    "model '" + t.model() + "' is not configured"));
            return;
        }
        if (shutdown) {
            effects.reject(t, new ServeFailure(FailureCause.SHUTTING_DOWN, t.model(), "modelswap is shutting down"));
            return;
        }
        ModelBook book = books.get(t.model());
        if (book.admitted >= policy.effectiveConcurrencyLimit()) {
            effects.reject(t, new ServeFailure(FailureCause.CONCURRENCY_LIMIT, t.model(), "model '" + t.model()
                    + "' has reached its concurrencyLimit of " + policy.effectiveConcurrencyLimit()
                    + " requests; retry later"));
            return;
        }
        book.admitted++;
        effects.admit(t);
        if (!route(t, queue.entries())) {
            queue.add(t, policy.priority() + t.priority(), clock.instant());
            queue.publishPositions(effects);
        }
    }

    public void onCancel(Ticket t) {
        if (queue.remove(t.id()) != null) {
            endWithoutGrant(t, new ServeFailure(FailureCause.CANCELLED, t.model(), "client went away while queued"));
            queue.publishPositions(effects);
            drain(); // a starved ticket leaving may unblock others
            return;
        }
        for (SwapTable.Swap s : swaps.all()) {
            if (s.waiters.remove(t)) {
                endWithoutGrant(t, new ServeFailure(FailureCause.CANCELLED, t.model(),
                        "client went away while " + s.target + " loaded"));
                if (s.waiters.isEmpty()) {
                    cancel(s);
                }
                return;
            }
        }
        // In flight (its onServeDone will come) or unknown: nothing to undo.
    }

    /** The swap to {@code model} ended: ready, or failed with the owner's typed failure. */
    public void onSwapDone(String model, java.util.Optional<ServeFailure> error) {
        SwapTable.Swap s = swaps.close(model);
        ModelBook book = books.get(model);
        if (s != null) {
            if (error.isEmpty() && book != null && book.state != ProcessState.READY) {
                // The loop may forward READY after this; mirror it now so the next request fast-paths.
                book.state = ProcessState.READY;
                book.becameReady(clock.instant());
            }
            settleWaiters(s, book, error);
        }
        if (book != null) {
            reload.maybeStopRetiring(book);
        }
        drain();
    }

    public void onServeDone(Ticket t) {
        String model = inFlight.remove(t.id());
        if (model == null) {
            return;
        }
        ModelBook book = books.get(model);
        book.inFlight--;
        book.admitted--;
        book.lastUse = clock.instant();
        if (book.inFlight == 0) {
            reload.maybeStopRetiring(book);
            forgetIfGone(book);
            drain();
        }
    }

    public void onStateChanged(String model, ProcessState state) {
        ModelBook book = books.get(model);
        if (book == null) {
            return;
        }
        ProcessState previous = book.state;
        book.state = state;
        if (state == ProcessState.READY && previous != ProcessState.READY) {
            book.becameReady(clock.instant());
        } else if (state != ProcessState.READY) {
            book.readySince = null;
        }
        if (!state.isRunning()) {
            book.stopIssued = false;
            if (book.retire != Retire.NONE && swaps.get(model) == null) {
                reload.finish(book);
            }
        }
        drain();
    }

    /** Unloads {@code models} (empty: every model): their waiters and queued tickets fail, the models stop. */
    public void onUnload(Collection<String> models) {
        Set<String> targets = new TreeSet<>(models.isEmpty() ? books.keySet() : models);

        List<String> stop = new ArrayList<>();
        for (String m : targets) {
            ServeFailure unloaded = new ServeFailure(FailureCause.UNLOADED, m, "model unloaded");
            SwapTable.Swap s = swaps.get(m);
            if (s != null) {
                failWaiters(s, unloaded);
                // Not cancel(s): the stop below aborts the load too, and tells the process owner the true reason.
                s.cancelled = true;
            }
            failQueued(m, unloaded);
            ModelBook book = books.get(m);
            if (s != null || (book != null && book.state.isRunning())) {
                stop.add(m);
                if (book != null) {
                    book.stopIssued = true;
                }
            }
        }
        queue.publishPositions(effects);
        if (!stop.isEmpty()) {
            effects.stopModels(List.copyOf(stop), StopCause.UNLOAD);
        }
        drain();
    }

    public void onShutdown() {
        if (shutdown) {
            return;
        }
        shutdown = true;
        TreeSet<String> stop = new TreeSet<>();
        for (SwapTable.Swap s : swaps.clear()) {
            failWaiters(s, shuttingDown(s.target));
            stop.add(s.target);
        }
        for (TicketQueue.Entry e : queue.takeAll()) {
            endWithoutGrant(e.ticket, shuttingDown(e.ticket.model()));
        }
        books.values().stream().filter(b -> b.state.isRunning()).forEach(b -> stop.add(b.model));
        if (!stop.isEmpty()) {
            effects.stopModels(List.copyOf(stop), StopCause.SHUTDOWN);
        }
    }

    public void onTick() {
        if (shutdown) {
            return;
        }
        Instant now = clock.instant();
        for (ModelBook book : List.copyOf(books.values())) {
            if (guards.ttlExpired(book, now)) {
                book.stopIssued = true;
                effects.stopModels(List.of(book.model), StopCause.TTL);
            }
            reload.maybeStopRetiring(book);
        }
        drain(); // starvation and residency deadlines may have passed
    }

    /** What the swapper knows about memory changed (a GPU reading): requests that waited for room may fit now. */
    public void onResourcesChanged() {
        drain();
    }

    public void onSettings(SchedulerSettings next, Set<String> changedModels) {
        SchedulerSettings old = settings;
        settings = Objects.requireNonNull(next);
        next.models().keySet().stream().sorted().forEach(m -> books.computeIfAbsent(m, ModelBook::new));
        reload.apply(old, next, changedModels);
        drain();
    }

    public SchedulerSnapshot snapshot() {
        Map<String, SchedulerSnapshot.ModelLoad> loads = new TreeMap<>();
        for (ModelBook b : books.values()) {
            SwapTable.Swap s = swaps.get(b.model);
            Instant idleSince = b.state == ProcessState.READY && b.inFlight == 0 ? b.idleSince() : null;
            loads.put(b.model, new SchedulerSnapshot.ModelLoad(queue.count(b.model), s == null ? 0 : s.waiters.size(),
                    b.inFlight, b.admitted, s != null, idleSince));
        }
        return new SchedulerSnapshot(loads, queue.size());
    }

    // ---- the decision tree ----------------------------------------------------------------------------

    /**
     * Serves, joins or starts a swap for {@code t}; false when it must (stay) queued. {@code ahead} are the
     * tickets queued before it, which the starvation guard protects.
     */
    private boolean route(Ticket t, List<TicketQueue.Entry> ahead) {
        String model = t.model();
        ModelBook book = books.get(model);
        SwapTable.Swap active = swaps.get(model);
        if (active != null) {
            active.waiters.add(t); // collation: one load serves everyone who asked for it meanwhile
            return true;
        }
        if (book.retire != Retire.NONE) {
            return false; // the instance is on its way out after a reload; wait for its successor
        }
        SwapPlan plan = settings.swapper().plan(model, residents(model));
        if (plan.refusal() != null) {
            endWithoutGrant(t, new ServeFailure(FailureCause.INSUFFICIENT_MEMORY, model, plan.refusal()));
            return true;
        }
        List<String> evict = plan.evict();
        if (book.state == ProcessState.READY && !book.stopIssued && evict.isEmpty() && !swaps.isEvicting(model)) {
            if (guards.blocksStarved(model, ahead)) {
                return false;
            }
            grant(t, book);
            return true;
        }
        if (swaps.collides(model, evict)) {
            return false;
        }
        for (String e : evict) {
            ModelBook victim = books.get(e);
            if (victim != null && (victim.inFlight > 0 || guards.isResidencyProtected(victim))) {
                return false; // never cut off running requests; let a fresh model serve at least once
            }
        }
        SwapTable.Swap s = swaps.open(model, evict);
        s.waiters.add(t);
        effects.startSwap(model, plan);
        return true;
    }

    /** Re-runs the decision tree over the queue in order; still-blocked tickets keep their order. */
    void drain() {
        if (draining || shutdown) {
            return; // a drain already walks the queue; effects must not re-enter, but be safe if they do
        }
        draining = true;
        try {
            List<TicketQueue.Entry> blocked = new ArrayList<>();
            for (TicketQueue.Entry e : queue.takeAll()) {
                if (!route(e.ticket, blocked)) {
                    blocked.add(e);
                } else {
                    effects.leftQueue(e.ticket);
                }
            }
            queue.restore(blocked);
            queue.publishPositions(effects);
        } finally {
            draining = false;
        }
    }

    /** What the swapper weighs for a swap to {@code exclude}: see {@link Resident#of}. */
    List<Resident> residents(String exclude) {
        return Resident.of(books, swaps, exclude);
    }

    // ---- ticket endings -------------------------------------------------------------------------------

    private void grant(Ticket t, ModelBook book) {
        if (effects.grantServe(t)) {
            book.inFlight++;
            book.servedSinceReady = true;
            book.lastGrant = clock.instant();
            inFlight.put(t.id(), t.model());
        } else {
            book.admitted--; // the request left before taking it: no serve-done will come
        }
    }

    private static ServeFailure shuttingDown(String model) {
        return new ServeFailure(FailureCause.SHUTTING_DOWN, model, "shutting down");
    }

    private void settleWaiters(SwapTable.Swap s, ModelBook book, java.util.Optional<ServeFailure> error) {
        if (book == null || book.retire == Retire.REMOVE) {
            failWaiters(s, new ServeFailure(FailureCause.MODEL_REMOVED, s.target,
                    "model removed from the configuration"));
        } else if (book.retire == Retire.REPLACE || (error.isPresent() && s.cancelled)) {
            // The old definition loaded (or our abort failed it): wait for a fresh start instead.
            for (Ticket t : s.waiters) {
                queue.add(t, priorityOf(t), clock.instant());
            }
        } else if (error.isPresent()) {
            failWaiters(s, error.get());
        } else {
            for (Ticket t : s.waiters) {
                grant(t, book);
            }
        }
        s.waiters.clear();
    }

    void failWaiters(SwapTable.Swap s, ServeFailure f) {
        for (Ticket t : s.waiters) {
            endWithoutGrant(t, f);
        }
        s.waiters.clear();
    }

    void failQueued(String model, ServeFailure f) {
        for (TicketQueue.Entry e : queue.removeIf(t -> t.model().equals(model))) {
            endWithoutGrant(e.ticket, f);
        }
    }

    private void endWithoutGrant(Ticket t, ServeFailure f) {
        ModelBook book = books.get(t.model());
        if (book != null) {
            book.admitted--;
        }
        effects.fail(t, f);
    }

    /** Says cancelSwap once; the swap stays active until its onSwapDone so the model never loads twice. */
    void cancel(SwapTable.Swap s) {
        if (!s.cancelled) {
            s.cancelled = true;
            effects.cancelSwap(s.target);
        }
    }

    // ---- for ReloadRules and TimeGuards ----------------------------------------------------------------

    Map<String, ModelBook> books() {
        return books;
    }

    SwapTable swaps() {
        return swaps;
    }

    TicketQueue queue() {
        return queue;
    }

    Effects effects() {
        return effects;
    }

    Instant now() {
        return clock.instant();
    }

    SchedulerSettings settings() {
        return settings;
    }

    void forgetIfGone(ModelBook b) {
        if (!settings.models().containsKey(b.model) && !b.state.isRunning() && b.inFlight == 0 && b.admitted == 0
                && swaps.get(b.model) == null) {
            books.remove(b.model);
        }
    }

    /** The model's priority plus the request's own (its API key's). */
    private int priorityOf(Ticket t) {
        ModelPolicy p = settings.models().get(t.model());
        return (p == null ? 0 : p.priority()) + t.priority();
    }
}
