package io.modelswap.process;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.modelswap.config.ModelConfig;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;

/**
 * A {@link ModelProcess}'s start from nothing ({@code starting → ready}): the spawn, the health check, the listing of
 * its process tree (and of whoever else answers on its port), then, with {@code slots:}, its saved prompt caches
 * restored before anyone is told it is ready. A start that fails goes back to its process as a typed failure.
 * <p>
 * Owned by its process and called on the owner's context; the spawn and the {@code /proc} scans run on
 * {@link ProcessTree#BLOCKING} and hop back onto the owner's context, where every mutation goes through the
 * process's own methods.
 */
final class ColdStart {

    // logged under its owner's category, as before the split: log settings for ModelProcess keep covering it
    private static final Logger LOG = Logger.getLogger(ModelProcess.class);

    private final ModelProcess process;
    private final ModelConfig config;
    private final Vertx vertx;
    private final OwnerContext owner;
    private final SwapSteps steps;
    private final HealthCheck health;
    private final LogRing logs;
    private final Logger upstreamLog;

    ColdStart(ModelProcess process, Vertx vertx, OwnerContext owner, SwapSteps steps, HealthCheck health) {
        this.process = process;
        this.config = process.config();
        this.vertx = vertx;
        this.owner = owner;
        this.steps = steps;
        this.health = health;
        this.logs = process.logs();
        this.upstreamLog = Logger.getLogger("io.modelswap.upstream." + config.id());
    }

    /** Spawns run {@code r}'s command off the owner; the process has made it its current run, STARTING. */
    void spawn(UpstreamRun r) {
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
            process.failStart(r, StartFailedException.Kind.SPAWN_FAILED, StartFailures.notSpawned(config, e));
        }
    }

    private void onSpawned(UpstreamRun r, Process p, OutputDrain drain) {
        r.process = p;
        r.drain = drain;
        process.spawned(p.pid());
        r.spawned.complete(p);
        p.onExit().whenComplete((ignored, error) -> owner.run(v -> process.onExited(r)));
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
        if (!process.live(r)) {
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
        process.failStart(r, StartFailedException.Kind.HEALTH_TIMEOUT, StartFailures.notReady(config,
                ModelProcess.healthTimeoutSeconds(config), health.url(), ar.cause()));
    }

    /**
     * A wrapper (a shell script, a docker CLI) may die and leave its server running: list the tree while it can
     * still be found from the root (a /proc scan, hence off the owner), so an unexpected exit can clean up after it.
     */
    private void listTreeThenBecomeReady(UpstreamRun r, String reason) {
        ProcessTree.BLOCKING.execute(() -> {
            Optional<String> squatter = r.listTree(config.id(), config.proxy());
            owner.run(v -> {
                if (!process.live(r)) {
                    return;
                }
                if (squatter.isPresent()) {
                    process.failStart(r, StartFailedException.Kind.PORT_TAKEN,
                            StartFailures.portTaken(config, squatter.get()));
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
            process.becomeReady(r, reason);
            return;
        }
        steps.restoreSlots().onComplete(ar -> owner.run(v -> {
            if (process.live(r) && r.process.isAlive()) {
                process.becomeReady(r, reason);
            }
        }));
    }
}
