package io.modelswap.process;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.modelswap.bus.LocalCodec;
import io.modelswap.config.ModelConfig;
import io.vertx.core.AsyncResult;
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
    private final Logger upstreamLog;
    private final HealthCheck health;
    private final SwapSteps steps;

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
        this.upstreamLog = Logger.getLogger("io.modelswap.upstream." + config.id());
        this.health = new HealthCheck(vertx, config.proxy(), config.checkEndpoint(), timings, config.id());
        this.steps = new SwapSteps(config, vertx);
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
                    wakeRun(run);
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

    private Future<Void> stopOnOwner(Duration grace, StopCause cause, String reason) {
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
                    return fallAsleep(grace, reason);
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
        UpstreamRun r = new UpstreamRun(System.nanoTime() + TimeUnit.SECONDS.toNanos(healthTimeoutSeconds()));
        run = r;
        transition(ProcessState.STARTING, "start requested");
        ProcessTree.BLOCKING.execute(() -> {
            try {
                Process p = CommandLaunch.spawn(config, logs);
                if (ProcessSessions.available()) {
                    r.session = p.pid(); // setsid makes it the leader of a session named after its pid
                    r.ledger.recordSession(r.ledgerRun, config.id(), p.toHandle());
                }
                r.ledger.record(r.ledgerRun, config.id(), List.of(p.toHandle()));
                OutputDrain drain = OutputDrain.start(p.getInputStream(), logs, upstreamLog,
                        "modelswap-output-" + config.id());
                owner.run(v -> onSpawned(r, p, drain));
            } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
                owner.run(v -> onSpawnFailed(r, e));
            }
        });
    }

    private void onSpawnFailed(UpstreamRun r, Exception e) {
        r.spawned.fail(e);
        if (!r.killing) {
            failStart(r, StartFailedException.Kind.SPAWN_FAILED, StartFailures.notSpawned(config, e));
        }
    }

    private void onSpawned(UpstreamRun r, Process p, OutputDrain drain) {
        r.process = p;
        r.drain = drain;
        pid = p.pid();
        r.spawned.complete(p);
        p.onExit().whenComplete((ignored, error) -> owner.run(v -> onExited(r)));
        if (r.killing) {
            return; // aborted while spawning: the stop under way takes it from here
        }
        r.recordTimer = vertx.setPeriodic(ProcessTimings.TREE_RECORD_INTERVAL.toMillis(), id -> recordTree(r));
        LOG.infof("model %s: started pid %d, %s", config.id(), p.pid(),
                config.hasHealthCheck() ? "polling " + health.url() : "no health check");
        if (!config.hasHealthCheck()) {
            listTreeThenBecomeReady(r, "started (checkEndpoint: none)");
        } else {
            r.health = health.poll(r.deadlineNanos);
            r.health.result().onComplete(ar -> owner.run(v -> onHealthResult(r, ar)));
        }
    }

    private void onHealthResult(UpstreamRun r, AsyncResult<Void> ar) {
        if (run != r || r.killing) {
            return;
        }
        if (ar.succeeded()) {
            if (!r.process.isAlive()) {
                // Something else answered on its port (it exited, e.g. failing to bind): onExited fails the start.
                return;
            }
            listTreeThenBecomeReady(r, "health check passed");
            return;
        }
        failStart(r, StartFailedException.Kind.HEALTH_TIMEOUT,
                StartFailures.notReady(config, healthTimeoutSeconds(), health.url(), ar.cause()));
    }

    private void onExited(UpstreamRun r) {
        if (run != r || r.killing) {
            return; // a stop under way reaps it and makes the transition
        }
        int code = r.process.exitValue();
        if (r.waking) {
            wakeFailed(r, "its process exited with code " + code);
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
    private void failStart(UpstreamRun r, StartFailedException.Kind kind, String message) {
        LOG.warn(message);
        r.failure = StartFailures.of(config, kind, message);
        r.failedWaiters.addAll(waiters.takeAll());
        r.endReason = StartFailures.endReason(kind);
        killRun(r, ProcessTimings.FAILED_START_GRACE);
    }

    /**
     * A wrapper (a shell script, a docker CLI) may die and leave its server running: list the tree while it can
     * still be found from the root (a /proc scan, hence off the owner), so an unexpected exit can clean up after it.
     */
    private void listTreeThenBecomeReady(UpstreamRun r, String reason) {
        ProcessTree.BLOCKING.execute(() -> {
            java.util.Optional<String> squatter = r.listTree(config.id(), config.proxy());
            owner.run(v -> {
                if (run != r || r.killing) {
                    return;
                }
                if (squatter.isPresent()) {
                    failStart(r, StartFailedException.Kind.PORT_TAKEN, StartFailures.portTaken(config, squatter.get()));
                } else if (r.process.isAlive()) {
                    // a process that already exited is not ready, whatever answered on its port: onExited takes over
                    restoreSlotsThenBecomeReady(r, reason);
                }
            });
        });
    }

    /** Records what the run has forked by now into the state file (off the owner: a /proc scan). */
    private void recordTree(UpstreamRun r) {
        ProcessTree.BLOCKING.execute(() -> r.recordForked(config.id()));
    }

    /** With {@code slots:}, the saved prompt caches go back in before the first request is let through. */
    private void restoreSlotsThenBecomeReady(UpstreamRun r, String reason) {
        if (!steps.keepsSlots()) {
            becomeReady(r, reason);
            return;
        }
        steps.restoreSlots().onComplete(ar -> owner.run(v -> {
            if (run == r && !r.killing && r.process.isAlive()) {
                becomeReady(r, reason);
            }
        }));
    }

    /**
     * Evicted by a swap with {@code sleep:}: {@code ready → stopping}, its slots saved, the sleep call, then
     * {@code sleeping}; a failed sleep stops it instead. The returned future completes once it sleeps or is stopped.
     */
    private Future<Void> fallAsleep(Duration grace, String reason) {
        UpstreamRun r = run;
        r.fallingAsleep = true;
        r.sleepGrace = grace;
        Promise<Void> done = Promise.promise();
        stopDone = done;
        transition(ProcessState.STOPPING, "putting it to sleep: " + reason, StopCause.SWAP);
        steps.saveSlots().compose(v -> steps.sleep(r.process.pid()))
                .onComplete(ar -> owner.run(v -> onAsleep(r, ar, done)));
        return done.future();
    }

    private void onAsleep(UpstreamRun r, AsyncResult<Void> ar, Promise<Void> done) {
        r.fallingAsleep = false;
        if (run != r || r.killing) {
            return; // it exited meanwhile: the cleanup of that exit completes the eviction's promise
        }
        stopDone = null;
        if (ar.failed()) {
            LOG.warnf("model %s: could not be put to sleep (%s); stopping it instead", config.id(),
                    ar.cause().getMessage());
            r.endReason = "sleep failed, stopped instead";
            killRun(r, r.sleepGrace, false).onComplete(done);
            return;
        }
        transition(ProcessState.SLEEPING, "asleep (" + config.sleep().sleep().describe() + ")");
        Duration maxAsleep = config.sleep().maxAsleep();
        if (!maxAsleep.isZero()) {
            r.asleepTimer = vertx.setTimer(Math.max(1, maxAsleep.toMillis()), id -> owner.run(v -> {
                r.asleepTimer = -1;
                if (run == r && state == ProcessState.SLEEPING) {
                    stopOnOwner(r.sleepGrace, StopCause.MAX_ASLEEP, StopCause.MAX_ASLEEP.reason(
                            maxAsleep.toSeconds() + "s"));
                }
            }));
        }
        done.complete();
        if (!waiters.isEmpty()) {
            wakeRun(r); // a request came while it fell asleep
        }
    }

    /** A request for a sleeping model: {@code sleeping → starting}, the wake call, the health check, {@code ready}. */
    private void wakeRun(UpstreamRun r) {
        r.cancelAsleepTimer(vertx);
        r.waking = true;
        transition(ProcessState.STARTING, "waking it (" + config.sleep().wake().describe() + ")");
        steps.wake(r.process.pid()).onComplete(ar -> owner.run(v -> onWoken(r, ar)));
    }

    private void onWoken(UpstreamRun r, AsyncResult<Void> ar) {
        if (run != r || r.killing) {
            return;
        }
        if (ar.failed()) {
            wakeFailed(r, ar.cause().getMessage());
        } else if (!config.hasHealthCheck()) {
            r.waking = false;
            becomeReady(r, "woke up");
        } else {
            r.health = health.poll(System.nanoTime() + TimeUnit.SECONDS.toNanos(healthTimeoutSeconds()));
            r.health.result().onComplete(h -> owner.run(v -> {
                if (run != r || r.killing) {
                    return;
                }
                if (h.succeeded()) {
                    r.waking = false;
                    becomeReady(r, "woke up, health check passed");
                } else {
                    wakeFailed(r, "GET " + health.url() + " did not answer 200 after waking ("
                            + h.cause().getMessage() + ")");
                }
            }));
        }
    }

    /** A wake that failed stops the process; its waiters stay, so the stop is followed by a cold start. */
    private void wakeFailed(UpstreamRun r, String why) {
        LOG.warnf("model %s: waking it failed (%s); stopping it and starting it afresh", config.id(), why);
        r.waking = false;
        r.endReason = "wake failed";
        transition(ProcessState.STOPPING, "wake failed: " + why);
        killRun(r, ProcessTimings.FAILED_START_GRACE);
    }

    private void becomeReady(UpstreamRun r, String reason) {
        transition(ProcessState.READY, reason);
        waiters.completeAll();
    }

    /** Stops the run's process tree off the owner context, then finishes the run; joins a stop under way. */
    private Future<Void> killRun(UpstreamRun r, Duration grace) {
        return killRun(r, grace, false);
    }

    /** Like {@link #killRun(UpstreamRun, Duration)}; with {@code saveSlotsFirst}, its slots are saved before. */
    private Future<Void> killRun(UpstreamRun r, Duration grace, boolean saveSlotsFirst) {
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

    private void transition(ProcessState to, String reason, StopCause cause) {
        ProcessState from = state;
        if (from == to) {
            return;
        }
        state = to;
        LOG.infof("model %s: %s -> %s (%s)", config.id(), from.apiName(), to.apiName(), reason);
        vertx.eventBus().publish(StateChange.ADDRESS,
                new StateChange(config.id(), from, to, Instant.now(), reason, cause), LocalCodec.LOCAL);
    }

    private int healthTimeoutSeconds() {
        int configured = config.healthCheckTimeoutSeconds();
        return configured > 0 ? configured : ProcessTimings.DEFAULT_HEALTH_TIMEOUT_SECONDS;
    }

    /** {@code result}'s future, with its listeners on the caller's context, not on this owner's. */
    private <T> Future<T> toCaller(Promise<T> result) {
        return OwnerContext.onCallersContext(vertx, result.future());
    }
}
