package io.modelswap.router;

import io.modelswap.settings.ModelswapSettings;
import io.modelswap.bus.LocalCodec;
import io.modelswap.config.SwapConfig;
import io.modelswap.placement.GpuSample;
import io.modelswap.placement.MemoryBoard;
import io.modelswap.placement.MemoryLedger;
import io.modelswap.process.ModelProcess;
import io.modelswap.process.ProcessOwner;
import io.modelswap.process.ProcessTimings;
import io.modelswap.process.StateChange;
import io.modelswap.router.scheduler.SchedulerSnapshot;
import io.modelswap.router.scheduler.Ticket;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router's public face: everything outside the run loop talks to it through these methods, which only send
 * messages. The loop itself lives on the context of a verticle of its own, deployed by {@link #start}.
 */
@ApplicationScoped
public class Router {

    private final Vertx vertx;
    private final ModelswapSettings settings;
    private final AtomicLong nextTicket = new AtomicLong();
    private volatile RouterView view;
    private volatile long tickTimer = -1;

    private final MemoryBoard memoryBoard;

    public Router(Vertx vertx, ModelswapSettings settings, MemoryBoard memoryBoard) {
        this.vertx = vertx;
        this.settings = settings;
        this.memoryBoard = memoryBoard;
    }

    /**
     * Deploys the run loop, a verticle of its own, with the first configuration; completes when it is listening.
     * Every process owner it makes is a {@link ModelProcess}, on a verticle of its own too.
     */
    public Future<Void> start(SwapConfig initial) {
        EventBus bus = vertx.eventBus();
        LocalCodec.registerOn(bus);
        ProcessTimings timings = processTimings();
        return vertx.deployVerticle(new LoopVerticle(initial, config -> new ModelProcess(config, vertx, timings)))
                .mapEmpty();
    }

    /** The run loop's verticle: its context is the loop's, and every command is handled there, one at a time. */
    private final class LoopVerticle extends AbstractVerticle {
        private final SwapConfig initial;
        private final ProcessOwner.Factory owners;

        LoopVerticle(SwapConfig initial, ProcessOwner.Factory owners) {
            this.initial = initial;
            this.owners = owners;
        }

        @Override
        public void start() {
            EventBus bus = vertx.eventBus();
            ModelswapSettings.Scheduling scheduling = settings.scheduling();
            RouterLoop loop = new RouterLoop(owners,
                    new SchedulerSettingsFactory(scheduling.starvationTimeout(), scheduling.minResidency(),
                            new MemoryLedger(memoryBoard::publish)),
                    initial, InstantSource.system(), Router.this::send, published -> view = published,
                    decision -> bus.publish(SwapDecision.ADDRESS, decision, LocalCodec.LOCAL));
            bus.<RouterCommand>localConsumer(RouterCommand.ADDRESS, message -> message.body().applyTo(loop));
            bus.<StateChange>localConsumer(StateChange.ADDRESS, message -> loop.onStateChange(message.body()));
            tickTimer = vertx.setPeriodic(Math.max(10, scheduling.tick().toMillis()), id -> loop.onTick());
            // local consumers are registered synchronously: the loop listens once this verticle has started
        }
    }

    ProcessTimings processTimings() {
        ProcessTimings defaults = ProcessTimings.DEFAULTS;
        return new ProcessTimings(settings.processes().healthPollInterval(), defaults.probeTimeout(),
                defaults.firstProbeDelay(), defaults.killWait());
    }

    /** Asks for {@code model} (a resolved model ID). Wait on the handle's admission, then its grant. */
    public PendingRequest submit(String model) {
        return submit(model, 0);
    }

    /** Like {@link #submit(String)}, queued with {@code priority} added to the model's (a scoped key's). */
    public PendingRequest submit(String model, int priority) {
        PendingRequest request = new PendingRequest(new Ticket(nextTicket.incrementAndGet(), model, priority),
                Instant.now());
        send(new RouterCommand.Submit(request));
        return request;
    }

    /**
     * The client of {@code request} went away. Returns false when the request had already taken its grant: the
     * caller must then still call {@link #serveDone}.
     */
    public boolean cancel(PendingRequest request) {
        if (request.withdraw()) {
            send(new RouterCommand.Cancel(request.ticket()));
            return true;
        }
        return false;
    }

    /**
     * The upstream that {@code refused}'s grant pointed to refused the connection, or lost it before answering: its
     * server may have crashed an instant ago, before its exit was seen. Releases that grant (no {@link #serveDone}
     * for it) and returns a new request for the same model, which the loop holds back until it knows what became of
     * the upstream: gone (then the request waits for the restart like any other) or still serving (then it is
     * granted again, unless {@code onlyToANewInstance}: then it fails with {@code UPSTREAM_FAILED}, since the live
     * upstream may have received it already).
     */
    public PendingRequest retryAfterRefusal(PendingRequest refused, boolean onlyToANewInstance) {
        PendingRequest retry = new PendingRequest(new Ticket(nextTicket.incrementAndGet(), refused.model(),
                refused.ticket().priority()),
                Instant.now());
        send(new RouterCommand.Refused(refused.ticket(), retry, onlyToANewInstance));
        return retry;
    }

    /** A granted request is finished (successfully or not). Exactly once per grant. */
    public void serveDone(PendingRequest request) {
        send(new RouterCommand.ServeDone(request.ticket()));
    }

    /**
     * Stops {@code models} (every model when empty); completes when their processes are gone, with those of them that
     * were running when the loop took the unload (by its own account, not by a reader's look at a process).
     */
    public Future<List<String>> unload(Collection<String> models) {
        Promise<List<String>> done = Promise.promise();
        send(new RouterCommand.Unload(List.copyOf(models), false, done));
        return done.future();
    }

    /**
     * Stops every model the loop sees running (llama.cpp's and Docker Model Runner's "unload all runners"), and
     * completes with them once they are gone; the loop picks the targets.
     */
    public Future<List<String>> unloadRunning() {
        Promise<List<String>> done = Promise.promise();
        send(new RouterCommand.Unload(List.of(), true, done));
        return done.future();
    }

    /** A reading of the GPUs (memory-aware placement learns from it). */
    public void gpuSampled(GpuSample sample) {
        send(new RouterCommand.GpuSampled(sample));
    }

    /** Applies a new configuration as a difference: unchanged models keep running. */
    public Future<Void> apply(SwapConfig config) {
        Promise<Void> done = Promise.promise();
        send(new RouterCommand.ApplyConfig(config, done));
        return done.future();
    }

    /** Fails every waiting request and stops every process; completes when all are gone. */
    public Future<Void> shutdown() {
        if (tickTimer >= 0) {
            vertx.cancelTimer(tickTimer);
        }
        Promise<Void> done = Promise.promise();
        send(new RouterCommand.Shutdown(done));
        return done.future();
    }

    /** Completes when the run loop has handled a no-op message: it is alive and not stuck (liveness probe). */
    public Future<Void> ping() {
        return snapshot().mapEmpty();
    }

    /** The scheduler's counters as of now, read on the loop (for display, metrics and tests; never to decide). */
    public Future<SchedulerSnapshot> snapshot() {
        Promise<SchedulerSnapshot> result = Promise.promise();
        send(new RouterCommand.Snapshot(result));
        return result.future();
    }

    /** The configuration and processes as the loop last published them (for display and request parsing). */
    public RouterView view() {
        return view;
    }

    private void send(RouterCommand command) {
        vertx.eventBus().send(RouterCommand.ADDRESS, command, LocalCodec.LOCAL);
    }
}
