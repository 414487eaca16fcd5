package io.modelswap.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.config.ConfigLoader;
import io.modelswap.testing.FakeClock;
import io.modelswap.config.LoadResult;
import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.modelswap.process.LogRing;
import io.modelswap.process.ProcessOwner;
import io.modelswap.process.ProcessState;
import io.modelswap.process.StateChange;
import io.modelswap.process.StopCause;
import io.modelswap.router.scheduler.Ticket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router's run loop driven directly: plain method calls, a clock moved by hand, fake process owners whose starts
 * and stops the test completes, and the loop's messages to itself delivered when the test says so. No Vert.x, no
 * threads, no processes: what the loop decides, and in which order, is all there is to see.
 */
class RouterLoopTest {

    private static final String CONFIG = """
            models:
              a:
                cmd: fake-server --port 9001
                proxy: http://127.0.0.1:9001
                ttl: 60
              b:
                cmd: fake-server --port 9002
                proxy: http://127.0.0.1:9002
            """;

    private final FakeClock clock = new FakeClock();
    private final Map<String, FakeOwner> owners = new LinkedHashMap<>();
    private final Queue<RouterCommand> mailbox = new ArrayDeque<>();
    private final List<SwapDecision> decisions = new ArrayList<>();
    private RouterLoop loop;
    private long tickets;

    @BeforeEach
    void startLoop() {
        LoadResult loaded = new ConfigLoader(name -> null).parse("config.yaml", CONFIG);
        assertTrue(loaded.ok(), loaded.errorReport());
        SwapConfig config = loaded.config().orElseThrow();
        loop = new RouterLoop(model -> owners.computeIfAbsent(model.id(), id -> new FakeOwner(model)),
                new SchedulerSettingsFactory(Duration.ofSeconds(30), Duration.ZERO), config, clock, mailbox::add,
                view -> { }, decisions::add);
    }

    @Test
    void aRequestForAStoppedModelStartsItAndIsGrantedOnceItIsReady() {
        PendingRequest request = submit("a");
        assertTrue(request.admission().succeeded(), "admitted at once: nothing else is waiting");
        assertEquals(1, owner("a").starts, "the loop asked the owner for its model");
        assertFalse(request.grant().isComplete(), "not granted before the model is ready");

        becomeReady("a");

        assertTrue(request.grant().succeeded());
        assertEquals("a", request.grant().result().model().id());
        assertEquals(List.of(), owner("a").stops);
    }

    @Test
    void aSwapStopsTheOtherModelFirstAndStartsItsOwnOnlyOnceThatStopIsDone() {
        PendingRequest first = submit("a");
        becomeReady("a");
        loop.onServeDone(first.ticket());

        PendingRequest second = submit("b");

        assertEquals(List.of(StopCause.SWAP), owner("a").stops, "a is evicted to make room for b");
        assertEquals(0, owner("b").starts, "b waits for a's process to be gone");
        owner("a").finishStop();
        deliver();
        assertEquals(1, owner("b").starts);
        becomeReady("b");
        assertTrue(second.grant().succeeded());
        SwapDecision swap = decisions.get(decisions.size() - 1);
        assertEquals("ready", swap.outcome());
        assertEquals(List.of(new SwapDecision.Eviction("a", "swap", swap.evicted().get(0).rule())), swap.evicted());
    }

    @Test
    void aModelIdleForItsTtlIsStoppedWhenTheClockSaysSoAndNotBefore() {
        PendingRequest request = submit("a");
        becomeReady("a");
        loop.onServeDone(request.ticket());

        clock.advance(Duration.ofSeconds(59));
        loop.onTick();
        assertEquals(List.of(), owner("a").stops, "59 s idle: a ttl of 60 s has not run out");

        clock.advance(Duration.ofSeconds(2));
        loop.onTick();
        assertEquals(List.of(StopCause.TTL), owner("a").stops);
    }

    @Test
    void aRequestWithdrawnWhileItsModelLoadsAbandonsTheLoad() {
        PendingRequest request = submit("a");
        assertEquals(1, owner("a").starts);

        assertTrue(request.withdraw(), "the client went away before the grant");
        loop.onCancel(request.ticket());

        assertEquals(List.of(StopCause.CANCELLED), owner("a").stops, "nobody waits for the load any more");
        assertTrue(request.grant().failed());
        assertEquals(FailureCause.CANCELLED, ((ServeFailure) request.grant().cause()).failureCause());
    }

    @Test
    void aCancelWhileTheSwapStillStopsItsEvictionMeansTheTargetIsNeverStarted() {
        PendingRequest first = submit("a");
        becomeReady("a");
        loop.onServeDone(first.ticket());
        PendingRequest second = submit("b");
        assertEquals(List.of(StopCause.SWAP), owner("a").stops);

        assertTrue(second.withdraw());
        loop.onCancel(second.ticket());
        owner("a").finishStop();
        deliver();

        assertEquals(0, owner("b").starts, "the load was cancelled before b's start was due");
        SwapDecision last = decisions.get(decisions.size() - 1);
        assertEquals("b", last.model(), decisions.toString());
        assertEquals("cancelled", last.outcome(), "the swap history says what became of it");
    }

    @Test
    void aShutdownRefusesNewRequestsAndShutsEveryOwnerDown() {
        PendingRequest request = submit("a");
        becomeReady("a");
        loop.onServeDone(request.ticket());
        Promise<Void> done = Promise.promise();

        loop.onShutdown(done);

        assertTrue(done.future().succeeded());
        assertTrue(owners.values().stream().allMatch(o -> o.shutDown), owners.toString());
        PendingRequest late = submit("b");
        assertTrue(late.admission().failed());
        assertEquals(FailureCause.SHUTTING_DOWN, ((ServeFailure) late.admission().cause()).failureCause());
    }

    // ---------------------------------------------------------------- the test's side of the loop

    private PendingRequest submit(String model) {
        PendingRequest request = new PendingRequest(new Ticket(++tickets, model), clock.instant());
        loop.onSubmit(request);
        deliver();
        return request;
    }

    /** The owner's start succeeds and it reports the transitions, as a real owner would. */
    private void becomeReady(String model) {
        FakeOwner owner = owner(model);
        owner.transition(ProcessState.STARTING);
        owner.transition(ProcessState.READY);
        owner.ready.tryComplete();
        deliver();
    }

    /** Delivers what the loop sent itself, in order, as its verticle would. */
    private void deliver() {
        for (RouterCommand command = mailbox.poll(); command != null; command = mailbox.poll()) {
            command.applyTo(loop);
        }
    }

    private FakeOwner owner(String model) {
        FakeOwner owner = owners.get(model);
        if (owner == null) {
            throw new AssertionError("the loop made no owner for " + model + ": " + owners.keySet());
        }
        return owner;
    }

    /** A process owner that does what it is told only when the test says so, and tells the loop like the real one. */
    private final class FakeOwner implements ProcessOwner {
        final ModelConfig config;
        ProcessState state = ProcessState.STOPPED;
        int starts;
        final List<StopCause> stops = new ArrayList<>();
        Promise<Void> ready = Promise.promise();
        Promise<Void> stopped;
        boolean shutDown;

        FakeOwner(ModelConfig config) {
            this.config = config;
        }

        void transition(ProcessState to) {
            ProcessState from = state;
            state = to;
            loop.onStateChange(new StateChange(config.id(), from, to, clock.instant(), "test", null));
        }

        void finishStop() {
            transition(ProcessState.STOPPED);
            stopped.tryComplete();
        }

        @Override
        public Future<Void> ensureReady() {
            starts++;
            ready = Promise.promise();
            return ready.future();
        }

        @Override
        public Future<Void> stop(Duration grace, StopCause cause, String reason) {
            stops.add(cause);
            ready.tryFail("stopped: " + reason);
            if (state == ProcessState.STOPPED) {
                return Future.succeededFuture();
            }
            transition(ProcessState.STOPPING);
            stopped = Promise.promise();
            return stopped.future();
        }

        @Override
        public Future<Boolean> upstreamRefused() {
            return Future.succeededFuture(state == ProcessState.READY);
        }

        @Override
        public Future<Void> shutdown(Duration grace) {
            shutDown = true;
            state = ProcessState.SHUTDOWN;
            return Future.succeededFuture();
        }

        @Override
        public void close() {
        }

        @Override
        public ModelConfig config() {
            return config;
        }

        @Override
        public ProcessState state() {
            return state;
        }

        @Override
        public OptionalLong pid() {
            return OptionalLong.empty();
        }

        @Override
        public LogRing logs() {
            return new LogRing();
        }

        @Override
        public String toString() {
            return config.id() + " " + state + " starts=" + starts + " stops=" + stops;
        }
    }
}
