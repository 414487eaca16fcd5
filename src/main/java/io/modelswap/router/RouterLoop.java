package io.modelswap.router;

import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.modelswap.placement.GpuSample;
import io.modelswap.process.ProcessOwner;
import io.modelswap.process.ProcessState;
import io.modelswap.process.StartFailedException;
import io.modelswap.process.StateChange;
import io.modelswap.process.StopCause;
import io.modelswap.router.scheduler.Effects;
import io.modelswap.router.scheduler.FifoScheduler;
import io.modelswap.router.scheduler.SchedulerSettings;
import io.modelswap.router.scheduler.SchedulerSnapshot;
import io.modelswap.router.scheduler.SwapPlan;
import io.modelswap.router.scheduler.Ticket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The router's run loop: the single owner of every swap decision. It holds the scheduler, the process owners (through
 * {@link ProcessOwners}) and the requests waiting for them, and is only ever entered through {@link RouterCommand}s
 * delivered on its own context, one at a time, so none of this state needs a lock. Slow work (stopping, starting) runs
 * in the process owners and comes back as commands, or as futures that complete on the loop's context.
 *
 * <p>It takes no Vert.x context or clock of its own: the owners, the clock and the publishers are handed in, so a test
 * drives it with plain method calls and fake owners ({@code RouterLoopTest}).
 */
final class RouterLoop implements Effects {

    private static final Logger LOG = Logger.getLogger(RouterLoop.class);

    private final SchedulerSettingsFactory settingsFactory;
    private final Consumer<RouterCommand> self;
    private final Consumer<RouterView> viewPublisher;
    private final SwapJournal journal;
    private final ProcessOwners owners;

    private SwapConfig config;
    private SchedulerSettings schedulerSettings;
    private final FifoScheduler scheduler;
    /** Admitted requests that have not finished: the scheduler's tickets, with the HTTP side's handle. */
    private final Map<Long, PendingRequest> pending = new HashMap<>();
    /** The stop under way for each model, so an unload can wait for it. Entries leave when the stop completes. */
    private final Map<String, Future<Void>> stops = new HashMap<>();
    /**
     * Swaps whose target was told to stop (cancelled, unloaded) while the swap was still stopping its evictions: the
     * process is not started yet, so that stop had nothing to abort, and the start must not follow.
     */
    private final Set<String> swapsAborted = new HashSet<>();
    /** Requests whose upstream refused their connection while the model looked ready (see {@link RefusalHolds}). */
    private final RefusalHolds held = new RefusalHolds();
    private boolean shutDown;

    /**
     * @param owners        makes the owner of each model's process
     * @param clock         the scheduler's and the journal's only source of time
     * @param self          sends a command to this loop (it arrives later, on the loop's context)
     * @param viewPublisher receives the configuration and process views whenever they change
     * @param decisions     receives every swap decision and outcome
     */
    RouterLoop(ProcessOwner.Factory owners, SchedulerSettingsFactory settingsFactory, SwapConfig initial,
            InstantSource clock, Consumer<RouterCommand> self, Consumer<RouterView> viewPublisher,
            Consumer<SwapDecision> decisions) {
        this.settingsFactory = settingsFactory;
        this.self = self;
        this.viewPublisher = viewPublisher;
        this.journal = new SwapJournal(decisions, clock);
        this.config = initial;
        this.owners = new ProcessOwners(owners, initial);
        settingsFactory.memory().configure(initial, List.of());
        this.schedulerSettings = settingsFactory.from(initial);
        this.scheduler = new FifoScheduler(schedulerSettings, clock, this);
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
        ProcessOwner owner = owners.get(model);
        if (owner == null || owners.observed(model) != ProcessState.READY) {
            onSubmit(retry); // the loop has seen the instance go already: the ordinary way restarts it
            return;
        }
        if (held.hold(model, retry, onlyToANewInstance)) {
            // The owner decides about its process; its answer (or its state change) comes back as a message.
            owner.upstreamRefused().onComplete(checked -> self.accept(new RouterCommand.RefusalChecked(model,
                    checked.succeeded() && checked.result())));
        }
    }

    void onRefusalChecked(String model, boolean stillServing) {
        if (stillServing) {
            held.release(model, true, this::onSubmit);
        }
        // otherwise the instance is on its way out, and its state change releases the requests
    }

    void onSwapDone(String model, Optional<Throwable> error) {
        journal.swapDone(model, error);
        swapsAborted.remove(model);
        owners.swapEnded(model);
        scheduler.onSwapDone(model, error.map(e -> e instanceof ServeFailure typed ? typed
                : new ServeFailure(FailureCause.START_FAILED, model, describe(e))));
    }

    void onStateChange(StateChange change) {
        owners.onStateChange(change);
        settingsFactory.memory().stateChanged(change);
        publishView();
        for (PendingRequest request : pending.values()) {
            if (request.model().equals(change.model()) && !request.grant().isComplete()) {
                request.loadProgress(change); // what the load endpoints stream to a client that waits
            }
        }
        scheduler.onStateChanged(change.model(), change.to());
        if (change.from() == ProcessState.READY) {
            // only now that the scheduler knows the instance is leaving: they must not be granted it again
            held.release(change.model(), false, this::onSubmit);
        }
    }

    /**
     * Stops {@code requested} (every model when empty; with {@code onlyRunning}, those of them the loop sees running)
     * and completes, when their processes are gone, with the models among them that were running.
     */
    void onUnload(Collection<String> requested, boolean onlyRunning, Promise<List<String>> done) {
        Collection<String> named = requested.isEmpty() ? owners.models() : requested;
        List<String> running = named.stream().filter(owners::running).toList();
        Collection<String> targets = onlyRunning ? running : named;
        if (targets.isEmpty()) {
            done.complete(running);
            return;
        }
        scheduler.onUnload(targets);
        List<Future<Void>> waits = new ArrayList<>();
        for (String model : targets) {
            waits.add(stops.getOrDefault(model, Future.succeededFuture()));
        }
        Future.join(waits).map(running).onComplete(done);
    }

    void onApplyConfig(SwapConfig next, Promise<Void> done) {
        Set<String> changed = owners.apply(next);
        config = next;
        settingsFactory.memory().configure(next, changed);
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
        for (ProcessOwner owner : owners.all()) {
            waits.add(owner.shutdown(graceOf(owner.config())));
        }
        Future.join(waits).<Void>mapEmpty().onComplete(done);
    }

    void onTick() {
        scheduler.onTick();
    }

    /** A GPU reading: what placement counts changes, and a request that waited for room may fit now. */
    void onGpuSample(GpuSample sample) {
        settingsFactory.memory().sample(sample);
        scheduler.onResourcesChanged();
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
    public void startSwap(String model, SwapPlan plan) {
        List<String> evict = plan.evict();
        ProcessOwner target = owners.get(model);
        owners.swapStarted(model);
        swapsAborted.remove(model);
        List<Future<Void>> evictions = new ArrayList<>();
        for (String victim : evict) {
            evictions.add(stop(victim, StopCause.SWAP, model));
        }
        if (!evict.isEmpty()) {
            LOG.infof("[%s] swapping in, stopping %s", model, evict);
        }
        if (plan.summary() != null) {
            LOG.info(plan.summary());
        }
        journal.swapStarted(model, plan, pending.values());
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
        ProcessOwner owner = owners.get(t.model());
        if (request == null || owner == null) {
            return false;
        }
        // The current definition: a reload that changed only what does not shape the process (timeouts, filters)
        // keeps the instance but must take effect. One that shapes it never reaches here with the old instance.
        ModelConfig definition = config.models().getOrDefault(t.model(), owner.config());
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
        ProcessOwner owner = owners.get(model);
        if (owner == null) {
            return Future.succeededFuture();
        }
        if (owners.swapUnderWay(model)) {
            swapsAborted.add(model);
        }
        Future<Void> stop = owner.stop(graceOf(owner.config()), cause, cause.reason(detail));
        stops.put(model, stop);
        // The owner completes it on this loop's context: the finished stop is forgotten here, safely.
        stop.onComplete(ignored -> stops.remove(model, stop));
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
        viewPublisher.accept(new RouterView(config, owners.views()));
    }
}
