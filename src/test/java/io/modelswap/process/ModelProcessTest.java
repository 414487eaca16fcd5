package io.modelswap.process;

import static io.modelswap.process.ProcessState.READY;
import static io.modelswap.process.ProcessState.SHUTDOWN;
import static io.modelswap.process.ProcessState.STARTING;
import static io.modelswap.process.ProcessState.STOPPED;
import static io.modelswap.process.ProcessState.STOPPING;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.modelswap.config.ModelConfig;
import io.modelswap.testing.FakeUpstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

class ModelProcessTest {

    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration START = Duration.ofSeconds(30);
    private static final ProcessTimings TIMINGS = new ProcessTimings(Duration.ofMillis(25), Duration.ofSeconds(1),
            Duration.ZERO, Duration.ofSeconds(5));

    private Vertx vertx;
    private final List<StateChange> events = new CopyOnWriteArrayList<>();
    private final List<ModelProcess> processes = new ArrayList<>();

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
        vertx.eventBus().<StateChange>consumer(StateChange.ADDRESS, m -> events.add(m.body()));
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (ModelProcess p : processes) {
            p.shutdown(Duration.ofMillis(500)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ModelProcess process(ModelConfig config) {
        ModelProcess p = new ModelProcess(config, vertx, TIMINGS);
        processes.add(p);
        return p;
    }

    private static void join(Future<?> future) throws Exception {
        future.toCompletionStage().toCompletableFuture().get(START.toSeconds(), TimeUnit.SECONDS);
    }

    private static StartFailedException failureOf(Future<?> future, Duration within) throws Exception {
        try {
            future.toCompletionStage().toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(StartFailedException.class, e.getCause());
        }
        throw new AssertionError("expected ensureReady to fail, it succeeded");
    }

    private List<String> transitions() {
        return events.stream().map(e -> e.from().apiName() + "->" + e.to().apiName()).collect(Collectors.toList());
    }

    private void awaitTransitions(String... expected) {
        await().atMost(START).untilAsserted(() -> assertEquals(List.of(expected), transitions()));
    }

    @Test
    void startStopCyclePublishesExactlyFourEvents() throws Exception {
        int port = FakeUpstream.freePort();
        ModelProcess p = process(FakeUpstream.model("cycle", port).fake().build());

        join(p.ensureReady());
        assertEquals(READY, p.state());
        assertTrue(p.pid().isPresent());
        assertTrue(FakeUpstream.get(port, "/health").contains("ok"));
        long pid = p.pid().getAsLong();

        join(p.stop(GRACE, "unloaded by test"));
        assertEquals(STOPPED, p.state());
        assertTrue(p.pid().isEmpty());
        assertFalse(FakeUpstream.alive(pid));
        awaitTransitions("stopped->starting", "starting->ready", "ready->stopping", "stopping->stopped");
        assertTrue(events.stream().allMatch(e -> e.model().equals("cycle")));
        assertEquals("health check passed", events.get(1).reason());
        assertEquals("unloaded by test", events.get(2).reason());
    }

    @Test
    void concurrentEnsureReadySpawnsOnce() throws Exception {
        ModelProcess p = process(FakeUpstream.model("twice", FakeUpstream.freePort()).fake().build());

        Future<Void> first = p.ensureReady();
        Future<Void> second = p.ensureReady();
        join(first);
        join(second);
        join(p.ensureReady());

        awaitTransitions("stopped->starting", "starting->ready");
        long spawns = p.logs().lines().stream().filter(l -> l.startsWith("[modelswap] starting:")).count();
        assertEquals(1, spawns);
    }

    @Test
    void exitAtStartFailsPromptlyWithExitCodeAndOutput() throws Exception {
        ModelProcess p = process(FakeUpstream.model("quitter", FakeUpstream.freePort()).fake("--exit-at-start", "7")
                .healthCheckTimeoutSeconds(60).build());

        StartFailedException e = failureOf(p.ensureReady(), Duration.ofSeconds(10));
        assertEquals(StartFailedException.Kind.EXITED, e.kind());
        assertEquals("quitter", e.model());
        assertTrue(e.getMessage().contains("exited with code 7"), e.getMessage());
        assertTrue(e.getMessage().contains("exiting at start with code 7"), e.getMessage());
        awaitTransitions("stopped->starting", "starting->stopped");
        assertEquals(STOPPED, p.state());
    }

    @Test
    void aFailedStartIsPublishedAsStoppedBeforeItsCallersHearOfIt() throws Exception {
        ModelProcess p = process(FakeUpstream.model("quick-quitter", FakeUpstream.freePort())
                .fake("--exit-at-start", "3").build());
        AtomicReference<ProcessState> stateWhenTold = new AtomicReference<>();
        Future<Void> ready = p.ensureReady().onFailure(e -> stateWhenTold.set(p.state()));

        assertEquals(StartFailedException.Kind.EXITED, failureOf(ready, Duration.ofSeconds(10)).kind());
        assertEquals(STOPPED, stateWhenTold.get(), "a caller told of the failure must not see the model starting");
    }

    @Test
    void missingProgramFailsWithSpawnFailed() throws Exception {
        ModelProcess p = process(FakeUpstream.model("ghost", FakeUpstream.freePort())
                .cmd("/nonexistent/llama-server --port 1").build());

        StartFailedException e = failureOf(p.ensureReady(), Duration.ofSeconds(10));
        assertEquals(StartFailedException.Kind.SPAWN_FAILED, e.kind());
        assertTrue(e.getMessage().contains("/nonexistent/llama-server"), e.getMessage());
        awaitTransitions("stopped->starting", "starting->stopped");
    }

    @Test
    void unsplittableCommandFailsWithSpawnFailed() throws Exception {
        ModelProcess p = process(FakeUpstream.model("quote", FakeUpstream.freePort()).cmd("llama-server 'oops").build());

        StartFailedException e = failureOf(p.ensureReady(), Duration.ofSeconds(10));
        assertEquals(StartFailedException.Kind.SPAWN_FAILED, e.kind());
        assertTrue(e.getMessage().contains("unterminated single quote"), e.getMessage());
    }

    @Test
    void neverHealthyTimesOutAndIsKilled() throws Exception {
        int port = FakeUpstream.freePort();
        ModelProcess p = process(FakeUpstream.model("sick", port).fake("--never-healthy")
                .healthCheckTimeoutSeconds(2).build());

        Future<Void> ready = p.ensureReady();
        await().atMost(START).until(() -> p.pid().isPresent());
        long pid = p.pid().getAsLong();
        StartFailedException e = failureOf(ready, START);
        assertEquals(StartFailedException.Kind.HEALTH_TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("HTTP 503") || e.getMessage().contains("last:"), e.getMessage());
        await().atMost(START).until(() -> p.state() == STOPPED);
        assertFalse(FakeUpstream.alive(pid));
        awaitTransitions("stopped->starting", "starting->stopped");
    }

    @Test
    void ignoredSigtermIsFollowedBySigkill() throws Exception {
        ModelProcess p = process(FakeUpstream.model("stubborn", FakeUpstream.freePort()).fake("--ignore-sigterm")
                .build());
        join(p.ensureReady());
        long pid = p.pid().getAsLong();

        join(p.stop(GRACE, "test"));
        assertEquals(STOPPED, p.state());
        assertFalse(FakeUpstream.alive(pid));
        awaitTransitions("stopped->starting", "starting->ready", "ready->stopping", "stopping->stopped");
        assertTrue(events.get(3).reason().contains("killed after"), events.get(3).reason());
        assertTrue(p.logs().history().contains("ignoring SIGTERM"));
    }

    @Test
    void stopKillsTheWholeTree() throws Exception {
        int port = FakeUpstream.freePort();
        ModelProcess p = process(FakeUpstream.model("forker", port).fake("--fork-grandchild").build());
        join(p.ensureReady());
        List<Long> pids = FakeUpstream.pidsOf(port);
        assertEquals(2, pids.size(), "the fake and its grandchild: " + pids);
        assertEquals(p.pid().getAsLong(), pids.get(0));
        assertTrue(pids.stream().allMatch(FakeUpstream::alive));

        join(p.stop(GRACE, "test"));
        for (long pid : pids) {
            assertFalse(FakeUpstream.alive(pid), "pid " + pid + " survived the stop");
        }
    }

    @Test
    void stopWhileStartingAbortsTheStart() throws Exception {
        ModelProcess p = process(FakeUpstream.model("slow", FakeUpstream.freePort()).fake("--never-healthy")
                .healthCheckTimeoutSeconds(60).build());
        Future<Void> ready = p.ensureReady();
        await().atMost(START).until(() -> p.pid().isPresent());
        long pid = p.pid().getAsLong();
        assertEquals(STARTING, p.state());

        join(p.stop(GRACE, "evicted for another model"));
        StartFailedException e = failureOf(ready, Duration.ofSeconds(1));
        assertEquals(StartFailedException.Kind.ABORTED, e.kind());
        assertFalse(FakeUpstream.alive(pid));
        awaitTransitions("stopped->starting", "starting->stopping", "stopping->stopped");
    }

    @Test
    void aStopCarriesItsTypedCauseOnTheTransitionThatBeginsIt() throws Exception {
        ModelProcess p = process(FakeUpstream.model("unwanted", FakeUpstream.freePort()).fake("--never-healthy")
                .healthCheckTimeoutSeconds(60).build());
        Future<Void> ready = p.ensureReady();
        await().atMost(START).until(() -> p.pid().isPresent());

        join(p.stop(GRACE, StopCause.CANCELLED, StopCause.CANCELLED.reason("")));
        failureOf(ready, Duration.ofSeconds(1));
        awaitTransitions("stopped->starting", "starting->stopping", "stopping->stopped");
        assertEquals(StopCause.CANCELLED, events.get(1).cause(), "metrics read the cause, never the text");
        assertTrue(events.get(1).reason().startsWith("start aborted: "), events.get(1).reason());
        assertNull(events.get(0).cause());
        assertNull(events.get(2).cause());
    }

    @Test
    void aServerDoubleForkedAwayFromItsCommandIsStoppedWhenTheCommandDies() throws Exception {
        int port = FakeUpstream.freePort();
        String fake = FakeUpstream.command("--port", Integer.toString(port));
        ModelProcess p = process(FakeUpstream.model("orphaning", port)
                .cmd("sh -c '( exec " + fake + " & ) ; exec sleep 100000'").build());
        join(p.ensureReady());
        long server = FakeUpstream.pidsOf(port).get(0);
        assertFalse(ProcessHandle.of(p.pid().getAsLong()).orElseThrow().descendants()
                .anyMatch(d -> d.pid() == server), "the server is no descendant of the command any more");

        ProcessHandle.of(p.pid().getAsLong()).orElseThrow().destroyForcibly();

        awaitTransitions("stopped->starting", "starting->ready", "ready->stopping", "stopping->stopped");
        assertFalse(FakeUpstream.alive(server), "the double-forked server outlived its model");
    }

    @Test
    void ensureReadyWhileStoppingStartsAgainAfterTheStop() throws Exception {
        ModelProcess p = process(FakeUpstream.model("again", FakeUpstream.freePort()).fake("--ignore-sigterm")
                .build());
        join(p.ensureReady());
        long firstPid = p.pid().getAsLong();

        Future<Void> stopped = p.stop(GRACE, "test");
        await().atMost(START).until(() -> p.state() == STOPPING);
        Future<Void> readyAgain = p.ensureReady();
        join(stopped);
        join(readyAgain);

        assertEquals(READY, p.state());
        assertNotEquals(firstPid, p.pid().getAsLong());
        assertFalse(FakeUpstream.alive(firstPid));
        awaitTransitions("stopped->starting", "starting->ready", "ready->stopping", "stopping->stopped",
                "stopped->starting", "starting->ready");
    }

    @Test
    void stopAfterEnsureReadyDuringStoppingCancelsTheRestart() throws Exception {
        ModelProcess p = process(FakeUpstream.model("cancel", FakeUpstream.freePort()).fake("--ignore-sigterm")
                .build());
        join(p.ensureReady());
        Future<Void> stopped = p.stop(GRACE, "first");
        Future<Void> readyAgain = p.ensureReady();
        Future<Void> stoppedAgain = p.stop(GRACE, "second");

        assertEquals(StartFailedException.Kind.ABORTED, failureOf(readyAgain, START).kind());
        join(stopped);
        join(stoppedAgain);
        assertEquals(STOPPED, p.state());
        awaitTransitions("stopped->starting", "starting->ready", "ready->stopping", "stopping->stopped");
    }

    @Test
    void cmdStopIsRunWithThePid() throws Exception {
        ModelProcess p = process(FakeUpstream.model("custom-stop", FakeUpstream.freePort()).fake()
                .cmdStop("sh -c 'echo cmdStop got ${PID}; kill -TERM ${PID}'").build());
        join(p.ensureReady());
        long pid = p.pid().getAsLong();

        join(p.stop(GRACE, "test"));
        assertFalse(FakeUpstream.alive(pid));
        assertTrue(p.logs().history().contains("cmdStop got " + pid), p.logs().history());
    }

    @Test
    void unexpectedExitWhileReadyGoesToStopped() throws Exception {
        ModelProcess p = process(FakeUpstream.model("crash", FakeUpstream.freePort()).fake().build());
        join(p.ensureReady());
        ProcessHandle.of(p.pid().getAsLong()).orElseThrow().destroyForcibly();

        awaitTransitions("stopped->starting", "starting->ready", "ready->stopped");
        assertEquals("exited unexpectedly (code 137)", events.get(2).reason());
        assertTrue(p.pid().isEmpty());

        join(p.ensureReady());
        assertEquals(READY, p.state());
    }

    @Test
    void serverLeftBehindByADeadWrapperIsStopped() throws Exception {
        int port = FakeUpstream.freePort();
        String fake = FakeUpstream.command("--port", Integer.toString(port));
        ModelProcess p = process(FakeUpstream.model("wrapped", port).cmd("sh -c \"" + fake + " & wait\"").build());
        join(p.ensureReady());
        List<Long> server = FakeUpstream.pidsOf(port);
        assertNotEquals(p.pid().getAsLong(), server.get(0), "the server is the wrapper's child");

        ProcessHandle.of(p.pid().getAsLong()).orElseThrow().destroyForcibly();

        awaitTransitions("stopped->starting", "starting->ready", "ready->stopping", "stopping->stopped");
        assertTrue(events.get(2).reason().startsWith("exited unexpectedly (code 137)"), events.get(2).reason());
        assertFalse(FakeUpstream.alive(server.get(0)));
    }

    @Test
    void noHealthCheckIsReadyOnSpawn() throws Exception {
        ModelProcess p = process(FakeUpstream.model("blind", FakeUpstream.freePort()).cmd("sleep 60")
                .checkEndpoint(ModelConfig.NO_HEALTH_CHECK).build());

        join(p.ensureReady());
        assertEquals(READY, p.state());
        awaitTransitions("stopped->starting", "starting->ready");
        assertEquals("started (checkEndpoint: none)", events.get(1).reason());
    }

    @Test
    void chattyUpstreamNeverBlocksAndHistoryStaysBounded() throws Exception {
        ModelProcess p = process(FakeUpstream.model("chatty", FakeUpstream.freePort()).fake("--log-lines", "20000")
                .build());

        join(p.ensureReady());
        assertTrue(p.logs().size() <= LogRing.DEFAULT_MAX_BYTES);
        await().atMost(START).until(() -> p.logs().history().contains("listening on"));
        assertTrue(p.logs().history().contains("log line 20000 of 20000"));
        assertFalse(p.logs().history().contains("log line 1 of 20000:"));
    }

    @Test
    void envEntriesReachTheChild() throws Exception {
        int port = FakeUpstream.freePort();
        ModelProcess p = process(FakeUpstream.model("env", port).fake()
                .env("MODELSWAP_TEST_GREETING=hello = world", "MODELSWAP_TEST_EMPTY=").build());

        join(p.ensureReady());
        assertTrue(FakeUpstream.get(port, "/env?name=MODELSWAP_TEST_GREETING").contains("\"value\":\"hello = world\""));
        assertTrue(FakeUpstream.get(port, "/env?name=MODELSWAP_TEST_EMPTY").contains("\"value\":\"\""));
    }

    @Test
    void shutdownIsTerminal() throws Exception {
        ModelProcess p = process(FakeUpstream.model("last", FakeUpstream.freePort()).fake().build());
        join(p.ensureReady());

        join(p.shutdown(GRACE));
        assertEquals(SHUTDOWN, p.state());
        assertEquals(StartFailedException.Kind.SHUT_DOWN, failureOf(p.ensureReady(), START).kind());
        join(p.stop(GRACE, "after shutdown"));
        join(p.shutdown(GRACE));
        awaitTransitions("stopped->starting", "starting->ready", "ready->stopping", "stopping->stopped",
                "stopped->shutdown");
    }

    @Test
    void stopWhenStoppedIsANoOp() throws Exception {
        ModelProcess p = process(FakeUpstream.model("idle", FakeUpstream.freePort()).fake().build());

        join(p.stop(GRACE, "nothing to stop"));
        join(p.stop(GRACE, "still nothing"));
        assertEquals(STOPPED, p.state());
        join(p.shutdown(GRACE));
        awaitTransitions("stopped->shutdown");
    }
}
