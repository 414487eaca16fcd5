package io.modelswap.process;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.modelswap.config.ModelConfig;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * A {@link ModelProcess}'s sleep and wake ({@code sleep:}): evicted by a swap, {@code ready → stopping} (its slots
 * saved, the sleep call) {@code → sleeping}; asked for again, {@code sleeping → starting} (the wake call, the health
 * check) {@code → ready}; asleep longer than {@code sleep.maxAsleep}, stopped for real. A failed sleep stops it
 * instead; a failed wake stops it and its waiters get a cold start.
 * <p>
 * Owned by its process and called on the owner's context only; every mutation of the process's state goes through
 * the owner's own methods, and every callback hops back onto the owner's context first.
 */
final class SleepCycle {

    // logged under its owner's category, as before the split: log settings for ModelProcess keep covering it
    private static final Logger LOG = Logger.getLogger(ModelProcess.class);

    private final ModelProcess process;
    private final ModelConfig config;
    private final Vertx vertx;
    private final OwnerContext owner;
    private final SwapSteps steps;
    private final HealthCheck health;

    SleepCycle(ModelProcess process, Vertx vertx, OwnerContext owner, SwapSteps steps, HealthCheck health) {
        this.process = process;
        this.config = process.config();
        this.vertx = vertx;
        this.owner = owner;
        this.steps = steps;
        this.health = health;
    }

    /**
     * Puts the ready run {@code r} to sleep; a failed sleep stops it instead. The returned future completes once it
     * sleeps or is stopped.
     */
    Future<Void> fallAsleep(UpstreamRun r, Duration grace, String reason) {
        r.fallingAsleep = true;
        r.sleepGrace = grace;
        Promise<Void> done = Promise.promise();
        process.stopUnderWay(done);
        process.transition(ProcessState.STOPPING, "putting it to sleep: " + reason, StopCause.SWAP);
        steps.saveSlots().compose(v -> steps.sleep(r.process.pid()))
                .onComplete(ar -> owner.run(v -> onAsleep(r, ar, done)));
        return done.future();
    }

    private void onAsleep(UpstreamRun r, AsyncResult<Void> ar, Promise<Void> done) {
        r.fallingAsleep = false;
        if (!process.live(r)) {
            return; // it exited meanwhile: the cleanup of that exit completes the eviction's promise
        }
        process.stopUnderWay(null);
        if (ar.failed()) {
            LOG.warnf("model %s: could not be put to sleep (%s); stopping it instead", config.id(),
                    ar.cause().getMessage());
            r.endReason = "sleep failed, stopped instead";
            process.killRun(r, r.sleepGrace, false).onComplete(done);
            return;
        }
        process.transition(ProcessState.SLEEPING, "asleep (" + config.sleep().sleep().describe() + ")", null);
        Duration maxAsleep = config.sleep().maxAsleep();
        if (!maxAsleep.isZero()) {
            r.asleepTimer = vertx.setTimer(Math.max(1, maxAsleep.toMillis()), id -> owner.run(v -> {
                r.asleepTimer = -1;
                if (process.current(r) && process.state() == ProcessState.SLEEPING) {
                    process.stopOnOwner(r.sleepGrace, StopCause.MAX_ASLEEP, StopCause.MAX_ASLEEP.reason(
                            maxAsleep.toSeconds() + "s"));
                }
            }));
        }
        done.complete();
        if (process.hasWaiters()) {
            wake(r); // a request came while it fell asleep
        }
    }

    /** A request for a sleeping model: {@code sleeping → starting}, the wake call, the health check, {@code ready}. */
    void wake(UpstreamRun r) {
        r.cancelAsleepTimer(vertx);
        r.waking = true;
        process.transition(ProcessState.STARTING, "waking it (" + config.sleep().wake().describe() + ")", null);
        steps.wake(r.process.pid()).onComplete(ar -> owner.run(v -> onWoken(r, ar)));
    }

    private void onWoken(UpstreamRun r, AsyncResult<Void> ar) {
        if (!process.live(r)) {
            return;
        }
        if (ar.failed()) {
            wakeFailed(r, ar.cause().getMessage());
        } else if (!config.hasHealthCheck()) {
            r.waking = false;
            process.becomeReady(r, "woke up");
        } else {
            r.health = health.poll(System.nanoTime()
                    + TimeUnit.SECONDS.toNanos(ModelProcess.healthTimeoutSeconds(config)));
            r.health.result().onComplete(h -> owner.run(v -> {
                if (!process.live(r)) {
                    return;
                }
                if (h.succeeded()) {
                    r.waking = false;
                    process.becomeReady(r, "woke up, health check passed");
                } else {
                    wakeFailed(r, "GET " + health.url() + " did not answer 200 after waking ("
                            + h.cause().getMessage() + ")");
                }
            }));
        }
    }

    /** A wake that failed stops the process; its waiters stay, so the stop is followed by a cold start. */
    void wakeFailed(UpstreamRun r, String why) {
        LOG.warnf("model %s: waking it failed (%s); stopping it and starting it afresh", config.id(), why);
        r.waking = false;
        r.endReason = "wake failed";
        process.transition(ProcessState.STOPPING, "wake failed: " + why, null);
        process.killRun(r, ProcessTimings.FAILED_START_GRACE, false);
    }
}
