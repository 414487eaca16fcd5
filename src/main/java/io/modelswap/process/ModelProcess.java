package io.modelswap.process;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.modelswap.bus.LocalCodec;
import io.modelswap.config.ModelConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The one owner of one model's upstream process: spawns it, polls its health check, stops it with its whole process
 * tree, keeps its output, and publishes a {@link StateChange} on {@link StateChange#ADDRESS} for every real
 * transition ({@code stopped → starting → ready → stopping → stopped}; a failed start {@code starting → stopped};
 * {@code shutdown} is terminal). A model with {@code sleep:} evicted by a swap goes {@code ready → stopping → sleeping}
 * and wakes {@code sleeping → starting → ready} (see {@link SwapSteps}); with {@code slots:} its llama-server slots are
 * saved before it stops or sleeps and restored after its next start, before anyone is told it is ready.
 * <p>
 * Two helpers it owns take the long sequences: {@link ColdStart} (spawn, health check, tree listing, slot restore)
 * and {@link SleepCycle} (sleep, wake, {@code sleep.maxAsleep}). They run on the same owner context and change the
 * process's state only through the package-private methods under "for ColdStart and SleepCycle"; this class keeps
 * the requests, the stops and the end of every run.
 * <p>
 * Every field below the "owner" line is read and written only on {@link #owner}, the event-loop context of a verticle
 * of its own ({@link OwnerContext}): that serializes all mutation without locks. Anything that may block (spawning,
 * {@code /proc} scans, grace periods, {@code cmdStop}) runs on {@link ProcessTree#BLOCKING} and reports back to the
 * owner's context. The futures returned complete on the caller's context.
 */
public final class ModelProcess implements ProcessOwner {

    private static final Logger LOG = Logger.getLogger(ModelProcess.class);

    private final ModelConfig config;
    private final Vertx vertx;
    private final ProcessTimings timings;
    private final OwnerContext owner;
    private final LogRing logs = new LogRing();
    private final HealthCheck health;
    private final SwapSteps steps;
    private final ColdStart coldStart;
    private final SleepCycle sleep;

    private volatile ProcessState state = ProcessState.STOPPED;
    private volatile long pid = -1;

    // ---- owner context only ----
    /** The current process, from spawn request until it is reaped; null when there is none. */
    private UpstreamRun run;
    /** ensureReady callers waiting for READY (or for the start that follows the stop under way). */
    private final ReadyWaiters waiters = new ReadyWaiters();
    /** Completes when the stop under way has reaped the process; null when none is under way. */
    private Promise<Void> stopDone;
    private Promise<Void> shutdownDone;

    public ModelProcess(ModelConfig config, Vertx vertx, ProcessTimings timings) {
        this.config = config;
        this.vertx = vertx;
        this.timings = timings;
        this.owner = OwnerContext.deploy(vertx);
        this.health = new HealthCheck(vertx, config.proxy(), config.checkEndpoint(), timings, config.id());
        this.steps = new SwapSteps(config, vertx);
        this.coldStart = new ColdStart(this, vertx, owner, steps, health);
        this.sleep = new SleepCycle(this, vertx, owner, steps, health);
        LocalCodec.registerOn(vertx.eventBus());
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    /** Advisory snapshot for display; never decide a mutation on it (send the owner a request instead). */
    @Override
    public ProcessState state() {
        return state;
    }

    /** The upstream's process id while one exists. */
    @Override
    public OptionalLong pid() {
        long p = pid;
        return p < 0 ? OptionalLong.empty() : OptionalLong.of(p);
    }

    @Override
    public LogRing logs() {
        return logs;
    }

    @Override
    public Future<Void> ensureReady() {
        Promise<Void> result = Promise.promise();
        owner.run(v -> {
            if (shutdownDone != null || state == ProcessState.SHUTDOWN) {
                result.fail(StartFailures.of(config, StartFailedException.Kind.SHUT_DOWN, "model " + config.id()
                        + " is shut down (modelswap is stopping or the model was removed from the config)"));
            } else if (state == ProcessState.READY) {
                result.complete();
            } else {
                waiters.add(result);
                if (state == ProcessState.STOPPED) {
                    startRun();
                } else if (state == ProcessState.SLEEPING) {
                    sleep.wake(run);
                }
            }
        });
        return toCaller(result);
    }

    /** {@link #stop(Duration, StopCause, String)} without a typed cause (a test's own stop). */
    public Future<Void> stop(Duration grace, String reason) {
        return stop(grace, null, reason);
    }

    /**
     * Also aborts a start's waiters with {@code ABORTED}, and those waiting to start again after a stop under way.
     * The transition to STOPPING carries {@code cause} (metrics count stops by it).
     */
    @Override
    public Future<Void> stop(Duration grace, StopCause cause, String reason) {
        Promise<Void> result = Promise.promise();
        owner.run(v -> stopOnOwner(grace, cause, reason).onComplete(result));
        return toCaller(result);
    }

    /**
     * See {@link ProcessOwner#upstreamRefused()}: a process that runs but no longer listens is stopped now with its
     * whole tree, like a crash; one that listens is given {@link ProcessTimings#REFUSAL_EXIT_WAIT} to show it exits.
     */
    @Override
    public Future<Boolean> upstreamRefused() {
        Promise<Boolean> result = Promise.promise();
        owner.run(v -> {
            UpstreamRun r = run;
            if (state != ProcessState.READY || r == null || r.killing) {
                result.complete(false); // not serving; the transition under way tells the rest
                return;
            }
            ProcessTree.BLOCKING.execute(() -> {
                boolean alive = ProcessTree.running(r.process.toHandle());
                boolean listening = alive && PortOwnership.listening(config.proxy());
                owner.run(w -> {
                    if (alive && !listening && run == r && state == ProcessState.READY && !r.killing) {
                        String why = "nothing listens on " + config.proxy() + " any more though pid "
                                + r.process.pid() + " runs";
                        LOG.warnf("model %s: %s; stopping it, it starts again on the next request", config.id(),
                                why);
                        r.endReason = "its server stopped listening";
                        transition(ProcessState.STOPPING, why, null);
                        killRun(r, ProcessTimings.FAILED_START_GRACE);
                    }
                    if (!alive || !listening) {
                        result.complete(false);
                        return;
                    }
                    // A server in the middle of dying still holds its socket for a moment: give its exit the
                    // chance to show before calling it alive (the exit handler then stops the run as usual).
                    r.process.onExit().whenComplete((p, e) -> result.tryComplete(false));
                    vertx.setTimer(ProcessTimings.REFUSAL_EXIT_WAIT.toMillis(), id -> result.tryComplete(true));
                });
            });
        });
        return toCaller(result);
    }

    /** Stops the process, then enters the terminal SHUTDOWN state: every later {@link #ensureReady()} fails. */
    @Override
    public Future<Void> shutdown(Duration grace) {
        Promise<Void> result = Promise.promise();
        owner.run(v -> {
            if (shutdownDone == null) {
                shutdownDone = Promise.promise();
                failWaiters(StartFailedException.Kind.SHUT_DOWN, "model " + config.id() + " is shutting down");
                stopOnOwner(grace, StopCause.SHUTDOWN, StopCause.SHUTDOWN.reason("")).onComplete(ar -> enterShutdown());
            }
            shutdownDone.future().onComplete(result);
        });
        return toCaller(result);
    }

    /**
     * Releases what a stopped process keeps between runs (its health-check client), for an owner that a reload
     * replaced or removed. Publishes nothing: the model's state is now told by its successor, or by nobody.
     */
    @Override
    public void close() {
        owner.run(v -> health.close());
        owner.close();
    }

    /** Like {@link #close()}, and deletes the slot files the model kept: it was removed from the configuration. */
    @Override
    public void discard() {
        steps.deleteSlotFiles();
        close();
    }

    // ---- owner context from here on ----

    Future<Void> stopOnOwner(Duration grace, StopCause cause, String reason) {
        switch (state) {
            case STOPPED, SHUTDOWN:
                return Future.succeededFuture();
            case STOPPING:
                failWaiters(StartFailedException.Kind.ABORTED, StartFailures.aborted(config, reason));
                if (run != null && run.fallingAsleep && cause != StopCause.SWAP) {
                    // a stop for real while it falls asleep: it follows once the sleep (or the stop instead) is done
                    return stopDone.future().compose(v -> stopOnOwner(grace, cause, reason));
                }
                return stopDone.future();
            case STARTING:
                failWaiters(StartFailedException.Kind.ABORTED, StartFailures.aborted(config, reason));
                if (run.killing) {
                    return stopDone.future(); // a failed start is already being cleaned up
                }
                run.endReason = reason;
                transition(ProcessState.STOPPING, "start aborted: " + reason, cause);
                return killRun(run, grace);
            case READY:
                if (cause == StopCause.SWAP && steps.canSleep()) {
                    return sleep.fallAsleep(run, grace, reason);
                }
                run.endReason = reason;
                transition(ProcessState.STOPPING, reason, cause);
                return killRun(run, grace, steps.keepsSlots());
            case SLEEPING:
                run.endReason = reason;
                transition(ProcessState.STOPPING, reason, cause);
                return killRun(run, grace, false); // its slots were saved before it fell asleep
            default:
                throw new IllegalStateException("unknown state " + state);
        }
    }

    private void startRun() {
        UpstreamRun r = new UpstreamRun(System.nanoTime() + TimeUnit.SECONDS.toNanos(healthTimeoutSeconds(config)));
        run = r;
        transition(ProcessState.STARTING, "start requested");
        coldStart.spawn(r);
    }

    /** Its process exited: a stop under way takes it from there; otherwise a crash, or a start that failed. */
    void onExited(UpstreamRun r) {
        if (run != r || r.killing) {
            return; // a stop under way reaps it and makes the transition
        }
        int code = r.process.exitValue();
        if (r.waking) {
            sleep.wakeFailed(r, "its process exited with code " + code);
            return;
        }
        if (state == ProcessState.READY || state == ProcessState.SLEEPING || r.fallingAsleep) {
            r.killing = true;
            if (stopDone == null) {
                stopDone = Promise.promise(); // one falling asleep keeps the promise its eviction waits for
            }
            String exited = "exited unexpectedly (code " + code + ")";
            LOG.warnf("model %s: upstream process %s; it will start again on the next request. Its last output"
                    + " is under /logs", config.id(), exited);
            ProcessTree.BLOCKING.execute(() -> {
                List<ProcessHandle> leftovers = r.leftBehind();
                owner.run(v -> {
                    if (leftovers.isEmpty()) {
                        r.endReason = exited;
                        finishRun(r);
                    } else {
                        transition(ProcessState.STOPPING, exited + "; stopping " + leftovers.size()
                                + " process(es) it left behind");
                        r.endReason = "left-behind processes stopped";
                        terminateOffLoop(r, ProcessTimings.FAILED_START_GRACE, leftovers);
                    }
                });
            });
            return;
        }
        // STARTING: quote its last words, which the drain may still be reading
        Promise<Void> drained = Promise.promise();
        r.drain.closed().whenComplete((v, e) -> owner.run(w -> drained.tryComplete()));
        vertx.setTimer(ProcessTimings.EXIT_OUTPUT_WAIT.toMillis(), id -> owner.run(w -> drained.tryComplete()));
        drained.future().onComplete(v -> {
            if (run == r && !r.killing) {
                failStart(r, StartFailedException.Kind.EXITED, StartFailures.exited(config, code, logs));
            }
        });
    }

    /**
     * Fails the start: the run is cleaned up first, and its waiters hear of the failure only once STOPPED is
     * published (in {@link #finishRun}), so that nobody who gets the error still sees the model starting.
     */
    void failStart(UpstreamRun r, StartFailedException.Kind kind, String message) {
        LOG.warn(message);
        r.failure = StartFailures.of(config, kind, message);
        r.failedWaiters.addAll(waiters.takeAll());
        r.endReason = StartFailures.endReason(kind);
        killRun(r, ProcessTimings.FAILED_START_GRACE);
    }

    void becomeReady(UpstreamRun r, String reason) {
        transition(ProcessState.READY, reason);
        waiters.completeAll();
    }

    /** Stops the run's process tree off the owner context, then finishes the run; joins a stop under way. */
    private Future<Void> killRun(UpstreamRun r, Duration grace) {
        return killRun(r, grace, false);
    }

    /** Like {@link #killRun(UpstreamRun, Duration)}; with {@code saveSlotsFirst}, its slots are saved before. */
    Future<Void> killRun(UpstreamRun r, Duration grace, boolean saveSlotsFirst) {
        if (r.killing) {
            return stopDone.future();
        }
        r.killing = true;
        r.stopWatching(vertx);
        Promise<Void> done = Promise.promise();
        stopDone = done;
        r.spawned.future().onComplete(spawned -> {
            if (spawned.failed()) {
                owner.run(v -> finishRun(r));
                return;
            }
            (saveSlotsFirst ? steps.saveSlots() : Future.<Void>succeededFuture())
                    .onComplete(saved -> terminateOffLoop(r, grace, r.knownDescendants));
        });
        return done.future();
    }

    private void terminateOffLoop(UpstreamRun r, Duration grace, List<ProcessHandle> known) {
        List<String> stopCommand = CommandLaunch.stopCommand(config, r.process.pid(), logs);
        ProcessTree.BLOCKING.execute(() -> {
            String outcome = ProcessTree.terminate(r.process, r.session, known, grace, timings.killWait(),
                    stopCommand, config.env(), logs);
            owner.run(v -> {
                r.endReason = r.endReason + ", " + outcome;
                finishRun(r);
            });
        });
    }

    /** The run's process is reaped: back to STOPPED, then start again for anyone who asked meanwhile. */
    private void finishRun(UpstreamRun r) {
        if (run != r) {
            return;
        }
        run = null;
        pid = -1;
        r.cancelAsleepTimer(vertx);
        ProcessTree.BLOCKING.execute(() -> r.ledger.close(r.ledgerRun));
        Promise<Void> done = stopDone;
        stopDone = null;
        transition(ProcessState.STOPPED, r.endReason);
        if (r.failure != null) {
            r.failedWaiters.forEach(p -> p.tryFail(r.failure));
        }
        if (done != null) {
            done.tryComplete();
        }
        if (shutdownDone == null && !waiters.isEmpty()) {
            startRun();
        }
    }

    private void enterShutdown() {
        transition(ProcessState.SHUTDOWN, "shut down");
        health.close();
        shutdownDone.tryComplete();
    }

    private void failWaiters(StartFailedException.Kind kind, String message) {
        if (!waiters.isEmpty()) {
            waiters.failAll(StartFailures.of(config, kind, message));
        }
    }

    private void transition(ProcessState to, String reason) {
        transition(to, reason, null);
    }

    void transition(ProcessState to, String reason, StopCause cause) {
        ProcessState from = state;
        if (from == to) {
            return;
        }
        state = to;
        LOG.infof("model %s: %s -> %s (%s)", config.id(), from.apiName(), to.apiName(), reason);
        vertx.eventBus().publish(StateChange.ADDRESS,
                new StateChange(config.id(), from, to, Instant.now(), reason, cause), LocalCodec.LOCAL);
    }

    // ---- for ColdStart and SleepCycle, on the owner context ----

    /** {@code r} is the current run. */
    boolean current(UpstreamRun r) {
        return run == r;
    }

    /** {@code r} is the current run and no stop of it is under way: its start or wake may go on. */
    boolean live(UpstreamRun r) {
        return run == r && !r.killing;
    }

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /** The current run's process was spawned. */
    void spawned(long processId) {
        pid = processId;
    }

    /** The promise the stop under way (a fall asleep included) completes once done; null when none is. */
    void stopUnderWay(Promise<Void> done) {
        stopDone = done;
    }

    /** The health check's timeout: {@code healthCheckTimeout}, or the default when it is not set. */
    static int healthTimeoutSeconds(ModelConfig config) {
        int configured = config.healthCheckTimeoutSeconds();
        return configured > 0 ? configured : ProcessTimings.DEFAULT_HEALTH_TIMEOUT_SECONDS;
    }

    /** {@code result}'s future, with its listeners on the caller's context, not on this owner's. */
    private <T> Future<T> toCaller(Promise<T> result) {
        return OwnerContext.onCallersContext(vertx, result.future());
    }
}
