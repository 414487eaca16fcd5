package io.modelswap.it;

import static io.modelswap.it.Calls.chatAsync;
import static io.modelswap.it.Calls.chatNow;
import static io.modelswap.it.Calls.fakeProcesses;
import static io.modelswap.it.Calls.pidOf;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.it.Calls.HeldStream;
import io.modelswap.router.Router;
import io.modelswap.router.scheduler.SchedulerSnapshot;
import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.Metrics;
import io.modelswap.testing.TestConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The swap engine end to end: scheduler, run loop, process owners and proxy together, against real fake upstreams.
 * Every wait is on a signal (a held stream, the scheduler's queue, a process's existence), never on elapsed time.
 */
@QuarkusTest
@WithTestResource(EngineTestResource.class)
class EngineTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final TestConfig MODELS = EngineTestResource.MODELS;

    @Inject
    Router router;

    @BeforeEach
    void unloadEverything() {
        given().get("/unload").then().statusCode(200);
    }

    private SchedulerSnapshot snapshot() throws Exception {
        return router.snapshot().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private void awaitQueued(int tickets) {
        await().atMost(PATIENCE).until(() -> snapshot().totalQueued() == tickets);
    }

    @Test
    void requestsForModelsThatEvictEachOtherAreCollatedIntoOneStartPerModel() throws Exception {
        HeldStream heldA = HeldStream.open("a", MODELS.port("a"));
        long firstA = FakeUpstream.pidsOf(MODELS.port("a")).get(0);

        List<String> finished = Collections.synchronizedList(new ArrayList<>());
        List<String> order = List.of("b", "c", "a", "b", "c");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (String model : order) {
            calls.add(chatAsync(model).whenComplete((response, error) -> finished.add(model)));
        }
        // a is ready: its second request takes the fast path; b and c would evict the busy a, so they queue
        await().atMost(PATIENCE).until(() -> calls.get(2).isDone() && snapshot().totalQueued() == 4);
        assertEquals("data: [DONE]", heldA.releaseAndFinish());

        Map<String, Set<Long>> pids = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            long pid = pidOf(Calls.join(calls.get(i)));
            pids.computeIfAbsent(order.get(i), m -> new java.util.HashSet<>()).add(pid);
        }
        assertEquals(Set.of(firstA), pids.get("a"), "a was started once");
        assertEquals(1, pids.get("b").size(), "b was started once: " + pids);
        assertEquals(1, pids.get("c").size(), "c was started once: " + pids);
        // served in groups: a, then both requests of one model, then both of the other
        assertEquals("a", finished.get(0), finished.toString());
        assertEquals(finished.get(1), finished.get(2), finished.toString());
        assertEquals(finished.get(3), finished.get(4), finished.toString());
        assertEquals(Set.of("b", "c"), Set.of(finished.get(1), finished.get(3)), finished.toString());
    }

    @Test
    void aBusyModelIsNeverEvicted() throws Exception {
        HeldStream heldA = HeldStream.open("a", MODELS.port("a"));
        CompletableFuture<HttpResponse<String>> b = chatAsync("b");
        awaitQueued(1);

        given().get("/running").then()
                .body("running.model", equalTo(List.of("a")))
                .body("running[0].state", equalTo("ready"));
        assertFalse(b.isDone(), "b must wait for a's stream");

        assertEquals("data: [DONE]", heldA.releaseAndFinish());
        HttpResponse<String> answer = Calls.join(b);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("b answered"), answer.body());
        given().get("/running").then().body("running.model", equalTo(List.of("b")));
    }

    @Test
    void aRequestOverTheConcurrencyLimitIsRefusedAtOnceWith429() throws Exception {
        HeldStream held = HeldStream.open("limited", MODELS.port("limited"));
        given().contentType("application/json").body(Calls.chat("limited", false)).post("/v1/chat/completions")
                .then().statusCode(429)
                .header("Retry-After", "1")
                .body("error.code", equalTo("concurrency_limit"))
                .body("error.message", containsString("limited"));
        assertEquals("data: [DONE]", held.releaseAndFinish());
        // the slot is free again
        assertEquals(200, chatNow("limited").statusCode());
    }

    @Test
    void aClientLeavingWhileItsModelLoadsCancelsTheLoad() throws Exception {
        int port = MODELS.port("sluggish");
        String cancelled = "modelswap_evictions_total{model=\"sluggish\",reason=\"cancelled\"}";
        double cancelledBefore = Metrics.value(cancelled);
        try (Socket client = Calls.rawChat("sluggish")) {
            await().atMost(PATIENCE).until(() -> !fakeProcesses(port).isEmpty());
            given().get("/running").then().body("running[0].state", equalTo("starting"));
        }
        // nobody waits any more: the start is aborted and its process stopped
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertTrue(fakeProcesses(port).isEmpty(), "sluggish still runs");
            given().get("/running").then().body("running", empty());
        });
        // and counted as what it was (docs/api.md), not as "other"
        assertEquals(cancelledBefore + 1, Metrics.value(cancelled), 0.001);
    }

    @Test
    void aClientLeavingWhileEvictionsStopDoesNotStartItsModel() throws Exception {
        long stubborn = pidOf(chatNow("stubborn"));
        try (Socket client = Calls.rawChat("brief")) {
            // stubborn ignores SIGTERM: evicting it for brief lasts its whole unloadTimeout of 2 s
            await().atMost(PATIENCE).untilAsserted(() -> given().get("/running").then()
                    .body("running.model", equalTo(List.of("stubborn")))
                    .body("running[0].state", equalTo("stopping")));
        }
        // the swap ends once the eviction is over, without starting brief for nobody
        await().atMost(PATIENCE).until(() -> !snapshot().models().get("brief").swapping());
        assertFalse(FakeUpstream.alive(stubborn));
        assertTrue(fakeProcesses(MODELS.port("brief")).isEmpty(), "brief was started for a client that left");
        given().get("/running").then().body("running", empty());
    }

    @Test
    void aModelWithATtlStopsByItselfAfterItsLastRequest() {
        long pid = pidOf(chatNow("brief"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            given().get("/running").then().body("running.model", not(hasItem("brief")));
            assertFalse(FakeUpstream.alive(pid), "brief's process outlived its ttl");
        });
    }

    @Test
    void aRequestArrivingWhileItsModelStopsIsServedByAFreshStart() throws Exception {
        long before = pidOf(chatNow("stubborn"));
        // stubborn ignores SIGTERM: its stop lasts its whole unloadTimeout of 2 s before the SIGKILL
        CompletableFuture<HttpResponse<String>> unload = Calls.postAsync("/api/models/unload/stubborn");
        await().atMost(PATIENCE).untilAsserted(() ->
                given().get("/running").then().body("running[0].state", equalTo("stopping")));

        HttpResponse<String> during = chatNow("stubborn"); // bounded by Calls.CALL_TIMEOUT: a hang fails here
        long after = pidOf(during);
        assertNotEquals(before, after, "served by a new process");
        assertFalse(FakeUpstream.alive(before));
        assertEquals(200, Calls.join(unload).statusCode());
        given().get("/running").then().body("running.model", equalTo(List.of("stubborn")))
                .body("running[0].state", equalTo("ready"));
    }

    @Test
    void unloadingByAliasFailsItsWaitersAndReturnsOnceTheProcessIsGone() throws Exception {
        int port = MODELS.port("sluggish");
        CompletableFuture<HttpResponse<String>> waiting = chatAsync("sluggish");
        await().atMost(PATIENCE).until(() -> !fakeProcesses(port).isEmpty());
        List<ProcessHandle> processes = fakeProcesses(port);

        given().post("/api/models/unload/slug").then().statusCode(200).body(equalTo("OK"));

        processes.forEach(p -> assertFalse(p.isAlive(), "process " + p.pid() + " survived the unload"));
        HttpResponse<String> refused = Calls.join(waiting);
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"code\":\"model_unloaded\""), refused.body());
        given().get("/running").then().body("running", empty());
    }

    @Test
    void aStreamingChatForALoadingModelShowsProgressThenTheAnswer() throws Exception {
        HttpResponse<InputStream> response = Calls.stream("loader");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> lines = Calls.dataLines(response.body());

        int loading = indexOf(lines, "modelswap loading model: loader");
        int done = indexOf(lines, "Done! (");
        int firstToken = indexOf(lines, "\"content\":\"[loader]\"");
        assertTrue(loading >= 0 && lines.get(loading).contains("\"reasoning_content\""), lines.toString());
        assertTrue(lines.get(loading).contains("\"object\":\"chat.completion.chunk\""), lines.toString());
        assertTrue(loading < done && done < firstToken, lines.toString());
        assertEquals("data: [DONE]", lines.get(lines.size() - 1));
    }

    @Test
    void aNonStreamingChatForALoadingStateModelGetsPlainJson() {
        given().contentType("application/json").body(Calls.chat("loader", false)).post("/v1/chat/completions")
                .then().statusCode(200)
                .contentType("application/json")
                .body("choices[0].message.content", containsString("loader answered"));
    }

    @Test
    void theConcurrencyLimitIsDecidedBeforeALoadingStreamStarts() throws Exception {
        HttpResponse<InputStream> first = Calls.stream("loader"); // admitted: its loading stream has begun
        assertEquals(200, first.statusCode());
        HttpResponse<String> second = Calls.join(Calls.streamAsString("loader"));
        assertEquals(429, second.statusCode(), second.body());
        assertEquals("1", second.headers().firstValue("Retry-After").orElse(""));
        assertTrue(second.body().contains("\"code\":\"concurrency_limit\""), second.body());
        List<String> lines = Calls.dataLines(first.body());
        assertEquals("data: [DONE]", lines.get(lines.size() - 1));
    }

    @Test
    void aLoadThatFailsEndsTheLoadingStreamWithAnErrorEvent() throws Exception {
        HttpResponse<InputStream> response = Calls.stream("crashloader");
        assertEquals(200, response.statusCode());
        List<String> lines = Calls.dataLines(response.body());
        assertTrue(indexOf(lines, "modelswap loading model: crashloader") >= 0, lines.toString());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("data: {\"error\":"), last);
        assertTrue(last.contains("\"code\":\"upstream_start_failed\""), last);
    }

    @Test
    void aLoadingStreamTellsItsQueuePositionWhileABusyModelHoldsItBack() throws Exception {
        HeldStream heldA = HeldStream.open("a", MODELS.port("a"));
        HttpResponse<InputStream> response = Calls.stream("qloader");
        assertEquals(200, response.statusCode());
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            List<String> waiting = Calls.readUntil(reader, "Queue position: #1");
            assertTrue(waiting.get(0).contains("modelswap loading model: qloader"), waiting.toString());

            assertEquals("data: [DONE]", heldA.releaseAndFinish());
            List<String> rest = Calls.readUntil(reader, "Done! (");
            rest.addAll(Calls.dataLines(reader));
            assertTrue(indexOf(rest, "\"content\":\"[qloader]\"") > 0, rest.toString());
            assertEquals("data: [DONE]", rest.get(rest.size() - 1));
        }
    }

    @Test
    void aClientLeavingALoadingStreamCancelsTheLoad() throws Exception {
        int port = MODELS.port("sluggish");
        try (Socket client = Calls.rawChat("sluggish", true)) {
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            Calls.readUntil(reader, "modelswap loading model: sluggish");
            await().atMost(PATIENCE).until(() -> !fakeProcesses(port).isEmpty());
        }
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertTrue(fakeProcesses(port).isEmpty(), "sluggish still runs");
            given().get("/running").then().body("running", empty());
        });
    }

    @Test
    void anUpstreamErrorAfterALoadingStreamIsItsLastEvent() throws Exception {
        // /v/chat/completions is forwarded as /chat/completions, which the fake does not serve: it answers 404
        HttpResponse<InputStream> response = Calls.HTTP.send(java.net.http.HttpRequest.newBuilder(
                        Calls.uri("/v/chat/completions"))
                .timeout(Calls.CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Calls.chat("qloader", true))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode(), "the loading stream's 200 is already sent");
        List<String> lines = Calls.dataLines(response.body());
        int done = indexOf(lines, "Done! (");
        assertTrue(done >= 0, lines.toString());
        String last = lines.get(lines.size() - 1);
        assertEquals(done + 1, lines.size() - 1, "nothing but the error after Done: " + lines);
        assertTrue(last.startsWith("data: {\"error\":"), last);
        assertTrue(last.contains("no route POST /chat/completions"), last);
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
