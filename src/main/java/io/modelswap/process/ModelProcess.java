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
 * {@code shutdown} is terminal).
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

    // ---- owner context from here on ----

    private Future<Void> stopOnOwner(Duration grace, StopCause cause, String reason) {
        switch (state) {
            case STOPPED, SHUTDOWN:
                return Future.succeededFuture();
            case STOPPING:
                failWaiters(StartFailedException.Kind.ABORTED, StartFailures.aborted(config, reason));
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
                run.endReason = reason;
                transition(ProcessState.STOPPING, reason, cause);
                return killRun(run, grace);
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
        if (state == ProcessState.READY) {
            r.killing = true;
            stopDone = Promise.promise();
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
                    becomeReady(r, reason);
                }
            });
        });
    }

    /** Records what the run has forked by now into the state file (off the owner: a /proc scan). */
    private void recordTree(UpstreamRun r) {
        ProcessTree.BLOCKING.execute(() -> r.recordForked(config.id()));
    }

    private void becomeReady(UpstreamRun r, String reason) {
        transition(ProcessState.READY, reason);
        waiters.completeAll();
    }

    /** Stops the run's process tree off the owner context, then finishes the run; joins a stop under way. */
    private Future<Void> killRun(UpstreamRun r, Duration grace) {
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
            terminateOffLoop(r, grace, r.knownDescendants);
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
