package io.modelswap.router;

import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.process.ModelProcess;
import io.modelswap.process.ProcessState;
import io.modelswap.process.ProcessTimings;
import io.modelswap.process.StartFailedException;
import io.modelswap.process.StateChange;
import io.modelswap.process.StopCause;
import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.modelswap.router.scheduler.Effects;
import io.modelswap.router.scheduler.FifoScheduler;
import io.modelswap.router.scheduler.SchedulerSettings;
import io.modelswap.router.scheduler.SchedulerSnapshot;
import io.modelswap.router.scheduler.Ticket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The router's run loop: the single owner of every swap decision. It holds the scheduler, the process owners and the
 * requests waiting for them, and is only ever entered through {@link RouterCommand}s delivered on its own Vert.x
 * context, one at a time, so none of this state needs a lock. Slow work (stopping, starting) runs in the process
 * owners and comes back as commands.
 */
final class RouterLoop implements Effects {

    private static final Logger LOG = Logger.getLogger(RouterLoop.class);

    private final Vertx vertx;
    private final Context loopContext;
    private final ProcessTimings timings;
    private final SchedulerSettingsFactory settingsFactory;
    private final Consumer<RouterCommand> self;
    private final Consumer<RouterView> viewPublisher;
    private final SwapJournal journal;

    private SwapConfig config;
    private SchedulerSettings schedulerSettings;
    private FifoScheduler scheduler;
    private final Map<String, ModelProcess> processes = new TreeMap<>();
    /** Models whose definition changed while running: the new definition, swapped in once the old process stops. */
    private final Map<String, ModelConfig> replaceWhenStopped = new HashMap<>();
    /** Models removed from the configuration while running: dropped once their process stops. */
    private final Set<String> dropWhenStopped = new HashSet<>();
    /**
     * Each current owner's state as its own {@link StateChange}s told this loop (absent: STOPPED). An owner's
     * {@code state()} is for display only: deciding on it races with the events still on their way.
     */
    private final Map<String, ProcessState> observed = new HashMap<>();
    /**
     * Targets of swaps asked for by {@link #startSwap} whose SwapDone has not come back: their owner may start any
     * moment. The scheduler never runs two swaps of one model at once, so a set suffices.
     */
    private final Set<String> swapsUnderWay = new HashSet<>();
    /** Admitted requests that have not finished: the scheduler's tickets, with the HTTP side's handle. */
    private final Map<Long, PendingRequest> pending = new HashMap<>();
    /** The stop under way for each model, so an unload can wait for it. Entries leave when the stop completes. */
    private final Map<String, Future<Void>> stops = new HashMap<>();
    /**
     * Swaps whose target was told to stop (cancelled, unloaded) while the swap was still stopping its evictions: the
     * process is not started yet, so that stop had nothing to abort, and the start must not follow.
     */
    private final Set<String> swapsAborted = new HashSet<>();
    /**
     * Requests whose upstream refused their connection while the model looked ready, held until the loop knows what
     * became of the upstream: its owner says it still serves, or its state change says it is gone. Then they are
     * submitted like new requests (and restart the model). Entries leave on either answer.
     */
    private final Map<String, List<Held>> heldAfterRefusal = new HashMap<>();

    /** A request held after a refused or lost connection; {@code onlyToANewInstance}: never re-sent to a live one. */
    private record Held(PendingRequest request, boolean onlyToANewInstance) {
    }
    private boolean shutDown;

    RouterLoop(Vertx vertx, ProcessTimings timings, SchedulerSettingsFactory settingsFactory, SwapConfig initial,
            Consumer<RouterCommand> self, Consumer<RouterView> viewPublisher) {
        this.vertx = vertx;
        this.loopContext = vertx.getOrCreateContext();
        this.timings = timings;
        this.settingsFactory = settingsFactory;
        this.self = self;
        this.viewPublisher = viewPublisher;
        this.journal = new SwapJournal(vertx.eventBus());
        this.config = initial;
        for (ModelConfig model : initial.models().values()) {
            processes.put(model.id(), new ModelProcess(model, vertx, timings));
        }
        this.schedulerSettings = settingsFactory.from(initial);
        this.scheduler = new FifoScheduler(schedulerSettings, InstantSource.system(), this);
        publishView();
    }

    // ---------------------------------------------------------------- commands

    void onSubmit(PendingRequest request) {
        if (shutDown) {
            request.reject(new ServeFailure(FailureCause.SHUTTING_DOWN, request.model(),
                    "modelswap is shutting down"));
            return;
        }
        pending.put(request.ticket().id(), request);
        scheduler.onRequest(request.ticket());
    }

    void onCancel(Ticket ticket) {
        if (pending.remove(ticket.id()) != null) {
            scheduler.onCancel(ticket);
        }
    }

    void onServeDone(Ticket ticket) {
        pending.remove(ticket.id());
        scheduler.onServeDone(ticket);
    }

    void onRefused(Ticket refused, PendingRequest retry, boolean onlyToANewInstance) {
        onServeDone(refused);
        String model = retry.model();
        ModelProcess process = processes.get(model);
        if (process == null || observed.getOrDefault(model, ProcessState.STOPPED) != ProcessState.READY) {
            onSubmit(retry); // the loop has seen the instance go already: the ordinary way restarts it
            return;
        }
        List<Held> held = heldAfterRefusal.computeIfAbsent(model, m -> new ArrayList<>());
        held.add(new Held(retry, onlyToANewInstance));
        if (held.size() == 1) {
            // The owner decides about its process; its answer (or its state change) comes back as a message.
            process.upstreamRefused().onComplete(checked -> self.accept(new RouterCommand.RefusalChecked(model,
                    checked.succeeded() && checked.result())));
        }
    }

    void onRefusalChecked(String model, boolean stillServing) {
        if (stillServing) {
            releaseHeld(model, true);
        }
        // otherwise the instance is on its way out, and its state change releases the requests
    }

    /** Submits the held requests of {@code model}; to the instance that still serves, only those it cannot have. */
    private void releaseHeld(String model, boolean sameInstance) {
        List<Held> held = heldAfterRefusal.remove(model);
        if (held == null) {
            return;
        }
        for (Held h : held) {
            if (h.request().grant().isComplete()) {
                continue; // its client left meanwhile and withdrew it: it asks for nothing
            }
            if (sameInstance && h.onlyToANewInstance()) {
                h.request().reject(new ServeFailure(FailureCause.UPSTREAM_FAILED, model, "[" + model
                        + "] the upstream closed the connection without answering, and it still runs; the request"
                        + " is not sent to it twice"));
            } else {
                onSubmit(h.request());
            }
        }
    }

    void onSwapDone(String model, Optional<Throwable> error) {
        journal.swapDone(model, error);
        swapsUnderWay.remove(model);
        swapsAborted.remove(model);
        // A swap aborted by the reload may end with the old owner already stopped: no STOPPED event will follow.
        settleOwnerIfIdle(model);
        scheduler.onSwapDone(model, error.map(e -> e instanceof ServeFailure typed ? typed
                : new ServeFailure(FailureCause.START_FAILED, model, describe(e))));
    }

    void onStateChange(StateChange change) {
        if (processes.containsKey(change.model())) {
            observed.put(change.model(), change.to());
        }

        if (change.to() == ProcessState.STOPPED) {
            // The owner has fully stopped the old instance: only now may a changed or removed definition take its
            // place (before the scheduler hears of it and starts the model again), so two instances of one model
            // never run at once.
            settleOwnerIfIdle(change.model());
        }
        publishView();
        scheduler.onStateChanged(change.model(), change.to());
        if (change.from() == ProcessState.READY) {
            // only now that the scheduler knows the instance is leaving: they must not be granted it again
            releaseHeld(change.model(), false);
        }
    }

    /**
     * Whether {@code model}'s owner has no process and none on its way: its last event said STOPPED and no swap
     * of ours may still call its {@code ensureReady()}. Only such an owner may be replaced or dropped; any other
     * would go on to start (or keep) an instance nobody stops.
     */
    private boolean idle(String model) {
        return observed.getOrDefault(model, ProcessState.STOPPED) == ProcessState.STOPPED
                && !swapsUnderWay.contains(model);
    }

    /** Swaps in a changed model's new owner, or drops a removed model's, once the old owner is idle. */
    private void settleOwnerIfIdle(String model) {
        ModelProcess current = processes.get(model);
        if (current == null || !idle(model)) {
            return;
        }
        ModelConfig replacement = replaceWhenStopped.remove(model);
        if (replacement != null) {
            replaceOwner(model, replacement);
            LOG.infof("[%s] now uses its new definition", model);
        }
        if (dropWhenStopped.remove(model)) {
            dropOwner(model);
            LOG.infof("[%s] removed from the configuration and stopped", model);
        }
    }

    private void replaceOwner(String model, ModelConfig definition) {
        ModelProcess old = processes.put(model, new ModelProcess(definition, vertx, timings));
        if (old != null) {
            old.close();
        }
        observed.remove(model);
    }

    private void dropOwner(String model) {
        ModelProcess old = processes.remove(model);
        if (old != null) {
            old.close();
        }
        observed.remove(model);
    }

    void onUnload(Collection<String> requested, Promise<Void> done) {
        Collection<String> targets = requested.isEmpty() ? List.copyOf(processes.keySet()) : requested;
        scheduler.onUnload(targets);
        List<Future<Void>> waits = new ArrayList<>();
        for (String model : targets) {
            waits.add(stops.getOrDefault(model, Future.succeededFuture()));
        }
        Future.join(waits).<Void>mapEmpty().onComplete(done);
    }

    void onApplyConfig(SwapConfig next, Promise<Void> done) {
        Set<String> changed = new HashSet<>();
        for (ModelConfig model : next.models().values()) {
            ModelProcess existing = processes.get(model.id());
            dropWhenStopped.remove(model.id());
            if (existing == null) {
                processes.put(model.id(), new ModelProcess(model, vertx, timings));
            } else if (!existing.config().sameProcessAs(model)) {
                changed.add(model.id());
                if (idle(model.id())) {
                    replaceOwner(model.id(), model);
                    replaceWhenStopped.remove(model.id());
                } else {
                    replaceWhenStopped.put(model.id(), model);
                }
            } else {
                replaceWhenStopped.remove(model.id());
            }
        }
        for (String model : List.copyOf(processes.keySet())) {
            if (!next.models().containsKey(model)) {
                replaceWhenStopped.remove(model); // a pending new definition is moot now
                if (idle(model)) {
                    dropOwner(model);
                } else {
                    dropWhenStopped.add(model);
                }
            }
        }
        config = next;
        schedulerSettings = settingsFactory.from(next);
        scheduler.onSettings(schedulerSettings, changed);
        publishView();
        done.complete();
    }

    void onShutdown(Promise<Void> done) {
        if (shutDown) {
            done.complete();
            return;
        }
        shutDown = true;
        scheduler.onShutdown();
        List<Future<Void>> waits = new ArrayList<>();
        for (ModelProcess process : processes.values()) {
            waits.add(process.shutdown(graceOf(process.config())));
        }
        Future.join(waits).<Void>mapEmpty().onComplete(done);
    }

    void onTick() {
        scheduler.onTick();
    }

    SchedulerSnapshot snapshot() {
        return scheduler.snapshot();
    }

    // ---------------------------------------------------------------- effects (called by the scheduler, on the loop)

    @Override
    public void admit(Ticket t) {
        PendingRequest request = pending.get(t.id());
        if (request != null) {
            request.admit();
        }
    }

    @Override
    public void reject(Ticket t, ServeFailure why) {
        PendingRequest request = pending.remove(t.id());
        if (request != null) {
            request.reject(why);
        }
    }

    @Override
    public void queuePosition(Ticket t, int position) {
        PendingRequest request = pending.get(t.id());
        if (request != null) {
            request.queuePosition(position);
        }
    }

    @Override
    public void leftQueue(Ticket t) {
        PendingRequest request = pending.get(t.id());
        if (request != null) {
            request.queuePosition(0);
        }
    }

    @Override
    public void startSwap(String model, List<String> evict) {
        ModelProcess target = processes.get(model);
        swapsUnderWay.add(model);
        swapsAborted.remove(model);
        List<Future<Void>> evictions = new ArrayList<>();
        for (String victim : evict) {
            evictions.add(stop(victim, StopCause.SWAP, model));
        }
        if (!evict.isEmpty()) {
            LOG.infof("[%s] swapping in, stopping %s", model, evict);
        }
        journal.swapStarted(model, evict, schedulerSettings.swapper(), pending.values());
        // The evictions' futures complete on this loop's context, so the check below reads loop state safely.
        Future.join(evictions)
                .transform(ignored -> swapsAborted.contains(model)
                        ? Future.<Void>failedFuture(new StartFailedException(model, StartFailedException.Kind.ABORTED,
                                "model " + model + " was not started: its load was cancelled while "
                                        + evict + " stopped"))
                        : target.ensureReady())
                .onComplete(ar -> self.accept(new RouterCommand.SwapDone(model,
                        ar.succeeded() ? Optional.empty() : Optional.of(ar.cause()))));
    }

    @Override
    public void cancelSwap(String model) {
        journal.stopped(List.of(model), StopCause.CANCELLED, m -> StopCause.CANCELLED.reason(""));
        stop(model, StopCause.CANCELLED, "");
    }

    @Override
    public boolean grantServe(Ticket t) {
        PendingRequest request = pending.get(t.id());
        ModelProcess process = processes.get(t.model());
        if (request == null || process == null) {
            return false;
        }
        // The current definition: a reload that changed only what does not shape the process (timeouts, filters)
        // keeps the instance but must take effect. One that shapes it never reaches here with the old instance.
        ModelConfig definition = config.models().getOrDefault(t.model(), process.config());
        boolean taken = request.tryGrant(new Grant(definition));
        if (!taken) {
            pending.remove(t.id());
        }
        return taken;
    }

    @Override
    public void fail(Ticket t, ServeFailure why) {
        PendingRequest request = pending.remove(t.id());
        if (request != null) {
            request.fail(why);
        }
    }

    @Override
    public void stopModels(List<String> models, StopCause cause) {
        journal.stopped(models, cause, model -> cause.reason(detail(cause, model)));
        for (String model : models) {
            stop(model, cause, detail(cause, model));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Stops {@code model} for {@code cause}; {@code detail} follows the cause's words in the reason text. */
    private Future<Void> stop(String model, StopCause cause, String detail) {
        ModelProcess process = processes.get(model);
        if (process == null) {
            return Future.succeededFuture();
        }
        if (swapsUnderWay.contains(model)) {
            swapsAborted.add(model);
        }
        Future<Void> stop = process.stop(graceOf(process.config()), cause, cause.reason(detail));
        stops.put(model, stop);
        // Only the loop touches the map, so the finished stop is forgotten on the loop's context.
        stop.onComplete(ignored -> loopContext.runOnContext(v -> stops.remove(model, stop)));
        return stop;
    }

    private static Duration graceOf(ModelConfig model) {
        return Duration.ofSeconds(model.unloadTimeoutSeconds());
    }

    private String detail(StopCause cause, String model) {
        ModelConfig current = config.models().get(model);
        return cause == StopCause.TTL ? (current == null ? "?" : current.ttlSeconds()) + "s" : "";
    }

    private static String describe(Throwable error) {
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }

    private void publishView() {
        viewPublisher.accept(new RouterView(config, Map.copyOf(processes)));
    }
}
