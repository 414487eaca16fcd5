package io.modelswap.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sleep instead of stop, and slots kept across a swap, end to end: the router, the process owners and the proxy
 * against fakes that sleep as vLLM does and keep slots as llama-server does.
 */
@QuarkusTest
@WithTestResource(SleepTestResource.class)
class SleepTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final TestConfig MODELS = SleepTestResource.MODELS;

    @BeforeEach
    void unloadEverything() {
        given().get("/unload").then().statusCode(200);
    }

    @Test
    void aSwapAwayAndBackPutsTheModelToSleepAndWakesTheSameProcess() {
        long first = pid("va");
        assertEquals(2000, stats("va").getInteger("gpu_memory_mib"));

        pid("vb"); // evicts va: it sleeps instead of stopping
        assertEquals("sleeping", state("va"));
        JsonObject asleep = stats("va");
        assertTrue(asleep.getBoolean("sleeping"), asleep.encode());
        assertEquals(1, asleep.getInteger("sleeps"));
        assertTrue(asleep.getInteger("gpu_memory_mib") < 2000, "a sleeping model gives its memory back: " + asleep);
        assertTrue(FakeUpstream.alive(first), "the sleeping model's process stays");
        HttpResponse<String> direct = post(MODELS.port("va"), "/v1/chat/completions",
                "{\"model\":\"va\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(503, direct.statusCode(), "a sleeping vLLM refuses work: " + direct.body());
        assertTrue(direct.body().contains("ModelSleepingError"), direct.body());

        assertEquals(first, pid("va"), "the same process answers after waking (the request woke it)");
        JsonObject awake = stats("va");
        assertEquals(1, awake.getInteger("sleeps"));
        assertEquals(1, awake.getInteger("wakes"));
        assertFalse(awake.getBoolean("sleeping"));
        assertEquals(2000, awake.getInteger("gpu_memory_mib"));
        assertEquals("sleeping", state("vb"));

        String metrics = given().get("/metrics").then().statusCode(200).extract().asString();
        assertEquals(1.0, metric(metrics, "modelswap_swap_steps_total", "action=\"sleep\"", "model=\"va\"",
                "outcome=\"ok\""), metrics);
        assertEquals(1.0, metric(metrics, "modelswap_swap_steps_total", "action=\"wake\"", "model=\"va\"",
                "outcome=\"ok\""), metrics);
        assertEquals(1.0, metric(metrics, "modelswap_swap_step_duration_seconds_count", "action=\"wake\"",
                "model=\"va\""), metrics);
    }

    @Test
    void aFailedWakeStopsTheModelAndStartsItCold() {
        long first = pid("groggy");
        pid("plain");
        assertEquals("sleeping", state("groggy"));

        long second = pid("groggy"); // the wake fails (500): stopped, then started afresh
        assertNotEquals(first, second);
        await().atMost(PATIENCE).until(() -> !FakeUpstream.alive(first));
        assertEquals("ready", state("groggy"));
    }

    @Test
    void aFailedSleepStopsTheModelInstead() {
        long pid = pid("insomniac");
        pid("plain"); // the eviction waits for the failed sleep and the stop that follows it
        assertFalse(FakeUpstream.alive(pid));
        assertEquals("stopped", state("insomniac"));
        String metrics = given().get("/metrics").then().statusCode(200).extract().asString();
        assertEquals(1.0, metric(metrics, "modelswap_swap_steps_total", "action=\"sleep\"",
                "model=\"insomniac\"", "outcome=\"failed\""), metrics);
    }

    @Test
    void theTtlOfASleepingModelStopsItForReal() {
        long pid = pid("dozy");
        pid("plain"); // well within its ttl of 5s
        assertEquals("sleeping", state("dozy"));
        // the owner publishes "stopped" once it has seen the process exit: wait for that, then the process is gone
        await().atMost(PATIENCE).until(() -> "stopped".equals(state("dozy")));
        assertFalse(FakeUpstream.alive(pid));
    }

    @Test
    void unloadStopsASleepingModelForReal() {
        long pid = pid("vb");
        pid("plain");
        assertEquals("sleeping", state("vb"));

        given().get("/unload").then().statusCode(200);
        assertFalse(FakeUpstream.alive(pid));
        assertEquals("stopped", state("vb"));
    }

    @Test
    void aModelAsleepLongerThanMaxAsleepIsStopped() {
        long pid = pid("napper");
        pid("plain");
        // the owner publishes "stopped" once it has seen the process exit: wait for that, then the process is gone
        await().atMost(PATIENCE).until(() -> "stopped".equals(state("napper")));
        assertFalse(FakeUpstream.alive(pid));
    }

    @Test
    void theSlotsOfALlamaServerOutliveASwapSoTheLongPromptIsNotProcessedAgain() throws Exception {
        String history = "{\"role\":\"system\",\"content\":\"" + "you are a careful assistant who reads long"
                + (" documents").repeat(200) + "\"},{\"role\":\"user\",\"content\":\"summarise the document\"}";
        JsonObject firstTimings = timings(chat("chatty", history));
        int full = firstTimings.getInteger("prompt_n");
        assertTrue(full > 200, firstTimings.encode());

        long pid = pid("plain"); // evicts chatty: it is stopped, its slot saved first
        assertTrue(pid > 0);
        assertEquals("stopped", state("chatty"));
        try (Stream<java.nio.file.Path> files = Files.list(SleepTestResource.SLOT_DIR)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().contains("-slot")).count());
        }

        String next = history + ",{\"role\":\"assistant\",\"content\":\"it is long\"},"
                + "{\"role\":\"user\",\"content\":\"and shorter?\"}";
        JsonObject secondTimings = timings(chat("chatty", next));
        assertTrue(secondTimings.getInteger("prompt_n") < 10, "only the new messages are processed after the swap: "
                + secondTimings.encode() + " (first: " + firstTimings.encode() + ")");
        assertTrue(secondTimings.getInteger("cache_n") >= full - 1, secondTimings.encode());

        String metrics = given().get("/metrics").then().statusCode(200).extract().asString();
        assertTrue(metric(metrics, "modelswap_swap_steps_total", "action=\"slot_save\"", "model=\"chatty\"",
                "outcome=\"ok\"") >= 1, metrics);
        assertEquals(1.0, metric(metrics, "modelswap_swap_steps_total", "action=\"slot_restore\"",
                "model=\"chatty\"", "outcome=\"ok\""), metrics);
    }

    @Test
    void aModelLoadedBeforeShowsItsEstimatedProgressInTheLoadingStreamAndTheLoadEndpoint() throws Exception {
        pid("slowpoke"); // the first load teaches how long it takes
        given().get("/unload").then().statusCode(200);

        String streamed = given().contentType("application/json").body("{\"model\":\"slowpoke\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        assertTrue(streamed.matches("(?s).*\\\\nloading slowpoke: \\d+ % \\(about \\d+ s left\\).*"), streamed);
        assertFalse(streamed.contains("\"reasoning_content\":\".\""), "no dots once the load is estimated: " + streamed);
        assertTrue(streamed.contains("Done! ("), streamed);
        given().get("/unload").then().statusCode(200);

        String events = given().accept("text/event-stream").post("/api/models/load/slowpoke")
                .then().statusCode(200).extract().asString();
        assertTrue(events.contains("event: progress\ndata: {\"model\":\"slowpoke\",\"progress\":"), events);
        assertTrue(events.contains("\"eta\":"), events);
        assertTrue(events.contains("event: ready"), events);
    }

    // ---------------------------------------------------------------- helpers

    private static String state(String model) {
        JsonArray running = new JsonObject(given().get("/running").then().statusCode(200).extract().asString())
                .getJsonArray("running");
        for (Object entry : running) {
            JsonObject m = (JsonObject) entry;
            if (model.equals(m.getString("model"))) {
                return m.getString("state");
            }
        }
        return "stopped";
    }

    /** The value of the sample of {@code name} carrying every one of {@code labels}; -1 when there is none. */
    private static double metric(String metrics, String name, String... labels) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && Stream.of(labels).allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    private static JsonObject stats(String model) {
        return new JsonObject(FakeUpstream.get(MODELS.port(model), "/stats"));
    }

    private static String chat(String model, String messages) {
        String body = given().contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[" + messages + "]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        return body;
    }

    /** Chats with {@code model} through modelswap (HTTP/1.1) and returns the pid of the fake that answered. */
    private static long pid(String model) {
        String answer = chat(model, "{\"role\":\"user\",\"content\":\"hi\"}");
        return new JsonObject(answer).getJsonObject("echo").getLong("pid");
    }

    private static JsonObject timings(String answer) {
        return new JsonObject(answer).getJsonObject("timings");
    }

    private static HttpResponse<String> post(int port, String path, String body) {
        try {
            return Calls.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Calls.CALL_TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
