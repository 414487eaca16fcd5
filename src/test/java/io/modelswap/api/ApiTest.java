package io.modelswap.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.Metrics;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The management API end to end against real fake upstreams: logs, events, loading, dialects, activity, health. */
@QuarkusTest
@WithTestResource(ApiTestResource.class)
class ApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Bound on reading a stream, so a broken stream fails the test instead of hanging it. */
    private static final long STREAM_BOUND_SECONDS = 60;

    static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static Response postChat(String model, boolean stream) {
        return given().contentType("application/json").body(chat(model, stream)).post("/v1/chat/completions");
    }

    static URI uri(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }

    /** Opens a streaming GET (or POST when {@code post}) and reads lines until one matches; returns all read. */
    static String readUntil(String path, boolean post, String accept, Predicate<String> done) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Accept", accept);
        request = post ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET();
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    seen.append(line).append('\n');
                    if (done.test(line)) {
                        return seen.toString();
                    }
                }
                throw new AssertionError("stream ended without the expected line; read:\n" + seen);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(STREAM_BOUND_SECONDS, TimeUnit.SECONDS);
    }

    @BeforeEach
    void unloadEverything() {
        given().get("/unload").then().statusCode(200);
    }

    // ------------------------------------------------------------------ explicit load and dialects

    @Test
    void loadStartsAModelByAliasAndAnswersOnceReady() {
        given().post("/api/models/load/a").then().statusCode(200).body("msg", equalTo("ok"));
        given().get("/running").then().body("running.model", equalTo(List.of("alpha")))
                .body("running[0].state", equalTo("ready"));
        given().post("/api/models/load/nope").then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }

    @Test
    void loadWithEventStreamReportsStatesUntilReady() throws Exception {
        String events = readUntil("/api/models/load/beta", true, "text/event-stream", l -> l.equals("event: ready"));
        assertTrue(events.contains("\"state\":\"starting\""), events);
        given().get("/running").then().body("running.model", equalTo(List.of("beta")));
    }

    @Test
    void llamaCppRouterDialectLoadsAndUnloads() {
        given().contentType("application/json").body("{\"model\":\"beta\"}").post("/models/load").then()
                .statusCode(200).body("success", equalTo(true));
        given().get("/running").then().body("running.model", equalTo(List.of("beta")));
        given().contentType("application/json").body("{\"model\":\"beta\"}").post("/models/unload").then()
                .statusCode(200).body("success", equalTo(true));
        given().get("/running").then().body("running", empty());
        given().contentType("application/json").body("{}").post("/models/load").then().statusCode(400);
        given().contentType("application/json").body("{\"model\":\"nope\"}").post("/models/unload").then()
                .statusCode(404);
    }

    @Test
    void ollamaDialectUnloadsWithKeepAliveZeroAndListsRunningModels() {
        given().post("/api/models/load/alpha").then().statusCode(200);
        given().get("/api/ps").then().statusCode(200).body("models.name", equalTo(List.of("alpha")));
        given().contentType("application/json").body("{\"model\":\"alpha\",\"keep_alive\":0}").post("/api/generate")
                .then().statusCode(200).body("done", equalTo(true)).body("done_reason", equalTo("unload"));
        given().get("/running").then().body("running", empty());
        given().get("/api/ps").then().body("models", empty());

        given().contentType("application/json").body("{\"model\":\"alpha\",\"keep_alive\":\"0s\",\"messages\":[]}")
                .post("/api/chat").then().statusCode(200).body("message.role", equalTo("assistant"));
        given().contentType("application/json").body("{\"model\":\"alpha\",\"prompt\":\"hi\"}").post("/api/generate")
                .then().statusCode(400).body("error", containsString("/v1/chat/completions"));
        given().contentType("application/json").body("{\"model\":\"nope\",\"keep_alive\":0}").post("/api/generate")
                .then().statusCode(404);
    }

    @Test
    void dockerModelRunnerDialectUnloadsNamedOrAllModels() {
        given().post("/api/models/load/alpha").then().statusCode(200);
        given().contentType("application/json").body("{\"models\":[\"a\"]}").post("/engines/unload").then()
                .statusCode(200).body("unloaded_runners", equalTo(1));
        given().get("/running").then().body("running", empty());
        given().post("/api/models/load/beta").then().statusCode(200);
        given().contentType("application/json").body("{\"all\":true}").post("/engines/unload").then()
                .statusCode(200).body("unloaded_runners", equalTo(1));
        given().get("/running").then().body("running", empty());
        given().contentType("application/json").body("{}").post("/engines/unload").then().statusCode(400);
    }

    // ------------------------------------------------------------------ logs

    @Test
    void logsHoldTheProxyAndUpstreamHistory() throws Exception {
        given().post("/api/models/load/alpha").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/logs").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("[alpha] [modelswap] starting:"))
                .body(containsString("model alpha: starting -> ready")));
        String history = readUntil("/logs/stream/alpha", false, "text/plain", l -> l.contains("[modelswap] starting:"));
        assertTrue(history.contains("starting:"), history);
        String proxy = readUntil("/logs/stream/proxy", false, "text/plain", l -> l.contains("model alpha: starting -> ready"));
        assertTrue(proxy.contains("INFO"), proxy);
        given().get("/logs/stream/nope").then().statusCode(400);
    }

    @Test
    void aLiveLogStreamGetsNewLinesWithoutHistory() throws Exception {
        CompletableFuture<String> live = CompletableFuture.supplyAsync(() -> {
            try {
                return readUntil("/logs/stream/upstream?no-history", false, "text/plain",
                        l -> l.contains("[beta] [modelswap] starting:"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // the stream is open once the proxy ring has logged the request; load beta until the line arrives
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            given().post("/api/models/load/beta").then().statusCode(200);
            given().get("/unload").then().statusCode(200);
            return live.isDone();
        });
        assertTrue(live.get().contains("beta"));
    }

    // ------------------------------------------------------------------ events

    @Test
    void eventsStartWithModelStatusAndFollowStateChanges() throws Exception {
        CompletableFuture<String> events = CompletableFuture.supplyAsync(() -> {
            try {
                return readUntil("/api/events", false, "text/event-stream",
                        l -> l.contains("modelStatus") && l.contains("\\\"id\\\":\\\"beta\\\"")
                                && l.contains("\\\"state\\\":\\\"ready\\\""));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            given().post("/api/models/load/beta").then().statusCode(200);
            return events.isDone();
        });
        String seen = events.get();
        assertTrue(seen.startsWith("event: message\ndata: {\"type\":\"logData\",\"data\":\"{\\\"source\\\":\\\"proxy\\\""),
                seen);
        assertTrue(seen.contains("data: {\"type\":\"modelStatus\",\"data\":\"["), seen);
    }

    @Test
    void aClientThatNeverReadsEventsDoesNotSlowSwaps() throws Exception {
        try (Socket stuck = new Socket("localhost", RestAssured.port)) {
            stuck.setReceiveBufferSize(1024);
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /api/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 6; i++) {
                String model = i % 2 == 0 ? "alpha" : "beta";
                postChat(model, false).then().statusCode(200)
                        .body("choices[0].message.content", containsString(model + " answered"));
            }
        }
        given().get("/running").then().body("running.model", equalTo(List.of("beta")));
    }

    // ------------------------------------------------------------------ metrics and activity

    @Test
    void metricsCountSwapsEvictionsAndRequests() {
        postChat("alpha", false).then().statusCode(200);
        postChat("beta", false).then().statusCode(200);
        Map<String, Double> metrics = Metrics.scrape();
        String seen = metrics.toString();
        assertTrue(metrics.containsKey("modelswap_swaps_started_total{model=\"alpha\"}"), seen);
        assertTrue(metrics.containsKey("modelswap_evictions_total{model=\"alpha\",reason=\"swap\"}"), seen);
        assertTrue(metrics.containsKey("modelswap_requests_total{model=\"beta\",status=\"200\"}"), seen);
        assertEquals(1.0, metrics.get("modelswap_model_state{model=\"beta\",state=\"ready\"}"), seen);
        assertTrue(Metrics.has(metrics, "modelswap_swap_duration_seconds_bucket{model=\"beta\",le="), seen);
        assertTrue(metrics.containsKey("modelswap_queue_wait_seconds_count{model=\"beta\"}"), seen);
        assertEquals(0.0, metrics.get("modelswap_queue_depth{model=\"alpha\"}"), seen);
        assertEquals(0.0, metrics.get("modelswap_requests_in_flight{model=\"alpha\"}"), seen);
        given().get("/unload").then().statusCode(200);
        assertTrue(Metrics.scrape().containsKey("modelswap_evictions_total{model=\"beta\",reason=\"unload\"}"));
    }

    @Test
    void activityRecordsRequestsWithTheirTokens() {
        postChat("alpha", false).then().statusCode(200);
        postChat("a", true).then().statusCode(200);
        given().queryParam("model", "alpha").queryParam("limit", 2).get("/api/metrics/activity").then()
                .statusCode(200)
                .body("data.size()", equalTo(2))
                .body("data.model", everyItem(equalTo("alpha")))
                .body("data.req_path", everyItem(equalTo("/v1/chat/completions")))
                .body("data.resp_status_code", everyItem(equalTo(200)))
                .body("data.tokens.output_tokens", everyItem(equalTo(4)))
                .body("data.tokens.input_tokens", everyItem(greaterThan(0)))
                .body("data[0].resp_content_type", containsString("text/event-stream"))
                .body("data[0].id", greaterThan(0))
                .body("limit", equalTo(2))
                .body("page", equalTo(1))
                .body("total", greaterThan(1));
        given().queryParam("limit", 0).get("/api/metrics/activity").then().statusCode(400);
        given().queryParam("limit", 1000).get("/api/metrics/activity").then().statusCode(400);
        given().queryParam("model", "beta").queryParam("page", 999).get("/api/metrics/activity").then()
                .statusCode(200).body("data", empty());
    }

    @Test
    void activityIsBoundedByMetricsMaxInMemory() {
        for (int i = 0; i < 22; i++) {
            postChat("alpha", false).then().statusCode(200);
        }
        given().queryParam("limit", 999).get("/api/metrics/activity").then().statusCode(200)
                .body("total", equalTo(20)).body("data.size()", equalTo(20));
    }

    // ------------------------------------------------------------------ issue 7: events, activity, capabilities

    /** The payload of one SSE {@code data:} line of /api/events: {@code {"type":T,"data":"<json>"}}. */
    static JsonObject eventOf(String line) {
        return new JsonObject(line.substring("data: ".length()));
    }

    @Test
    void eventsStartWithLogHistoriesAndCarryActivityIds() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(uri("/api/events"))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            CompletableFuture<List<JsonObject>> read = CompletableFuture.supplyAsync(() -> {
                List<JsonObject> events = new ArrayList<>();
                try {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("data: ")) {
                            JsonObject event = eventOf(line);
                            events.add(event);
                            if (event.getString("type").equals("activity")) {
                                return events;
                            }
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                throw new AssertionError("stream ended without an activity frame: " + events);
            });
            postChat("alpha", false).then().statusCode(200);
            List<JsonObject> events = read.get(STREAM_BOUND_SECONDS, TimeUnit.SECONDS);

            assertEquals("logData", events.get(0).getString("type"), events.toString());
            assertEquals("proxy", new JsonObject(events.get(0).getString("data")).getString("source"));
            assertEquals("logData", events.get(1).getString("type"), events.toString());
            assertEquals("upstream", new JsonObject(events.get(1).getString("data")).getString("source"));
            assertEquals("modelStatus", events.get(2).getString("type"), events.toString());
            assertTrue(new JsonObject(events.get(0).getString("data")).getString("data").contains("INFO"),
                    "the proxy history is replayed: " + events.get(0));

            long id = new JsonObject(events.get(events.size() - 1).getString("data")).getLong("id");
            given().queryParam("min_id", id).queryParam("max_id", id).get("/api/metrics/activity").then()
                    .statusCode(200).body("data.id", equalTo(List.of((int) id)))
                    .body("data[0].model", equalTo("alpha"));
        }
    }

    /** The highest activity id recorded so far, 0 when none. */
    static long lastActivityId() {
        List<Integer> ids = given().queryParam("limit", 1).get("/api/metrics/activity").jsonPath().getList("data.id");
        return ids.isEmpty() ? 0 : ids.get(0);
    }

    @Test
    void activityFiltersByIdTimeAndModelAndSortsAndPages() {
        long before = lastActivityId();
        for (int i = 0; i < 3; i++) {
            postChat("alpha", false).then().statusCode(200);
        }
        long first = before + 1;
        long last = before + 3;
        List<Integer> ids = List.of((int) first, (int) first + 1, (int) last);
        List<Integer> descending = List.of((int) last, (int) first + 1, (int) first);

        given().queryParam("min_id", first).get("/api/metrics/activity").then().statusCode(200)
                .body("data.id", equalTo(descending)).body("total", equalTo(3)).body("total_pages", equalTo(1))
                .body("limit", equalTo(25)).body("page", equalTo(1));
        given().queryParam("min_id", first).queryParam("order", "asc").get("/api/metrics/activity").then()
                .body("data.id", equalTo(ids));
        given().queryParam("min_id", first).queryParam("max_id", first + 1).get("/api/metrics/activity").then()
                .body("data.id", equalTo(List.of((int) first + 1, (int) first)));
        given().queryParam("min_id", first).queryParam("limit", 2).queryParam("page", 2)
                .get("/api/metrics/activity").then()
                .body("data.id", equalTo(List.of((int) first))).body("total", equalTo(3))
                .body("total_pages", equalTo(2)).body("page", equalTo(2)).body("limit", equalTo(2));
        given().queryParam("min_id", first).queryParam("sort", "timestamp").queryParam("order", "asc")
                .get("/api/metrics/activity").then().body("data.id", equalTo(ids));

        List<Integer> durations = given().queryParam("min_id", first).queryParam("sort", "duration_ms")
                .queryParam("order", "asc").get("/api/metrics/activity").then().statusCode(200)
                .extract().jsonPath().getList("data.duration_ms");
        assertEquals(3, durations.size());
        assertTrue(durations.get(0) <= durations.get(1) && durations.get(1) <= durations.get(2), durations.toString());

        String middle = given().queryParam("min_id", first + 1).queryParam("max_id", first + 1)
                .get("/api/metrics/activity").jsonPath().getString("data[0].timestamp");
        List<Integer> fromMiddle = given().queryParam("min_id", first).queryParam("start", middle)
                .get("/api/metrics/activity").jsonPath().getList("data.id");
        assertTrue(fromMiddle.contains((int) first + 1) && fromMiddle.contains((int) last), fromMiddle.toString());
        List<Integer> untilMiddle = given().queryParam("min_id", first).queryParam("end", middle)
                .get("/api/metrics/activity").jsonPath().getList("data.id");
        assertTrue(untilMiddle.contains((int) first) && !untilMiddle.contains((int) first + 1), untilMiddle.toString());
        given().queryParam("min_id", first).queryParam("start", "2000-01-01T00:00:00+02:00")
                .queryParam("end", "2999-01-01T00:00:00Z").get("/api/metrics/activity").then()
                .body("data.id", equalTo(descending));
        given().queryParam("min_id", first).queryParam("end", "2000-01-01T00:00:00Z")
                .get("/api/metrics/activity").then().body("data", empty()).body("total", equalTo(0));

        given().queryParam("min_id", first).queryParam("model", "beta").get("/api/metrics/activity").then()
                .body("data", empty());
        given().queryParam("min_id", first).queryParam("model", "beta").queryParam("model", "alpha")
                .get("/api/metrics/activity").then().body("data.id", equalTo(descending));
    }

    @Test
    void activityRejectsInvalidParametersNamingThem() {
        String[][] bad = {{"limit", "0"}, {"limit", "1000"}, {"limit", "many"}, {"page", "0"}, {"page", "x"},
            {"start", "yesterday"}, {"end", "2026-13-01T00:00:00Z"}, {"min_id", "x"}, {"max_id", "1.5"},
            {"sort", "model"}, {"order", "up"}};
        for (String[] param : bad) {
            given().queryParam(param[0], param[1]).get("/api/metrics/activity").then().statusCode(400)
                    .contentType(containsString("application/json"))
                    .body("error.param", equalTo(param[0]))
                    .body("error.message", containsString(param[0]))
                    .body("error.type", equalTo("invalid_request_error"));
        }
        given().queryParam("limit", 999).queryParam("sort", "duration_ms").queryParam("order", "asc")
                .get("/api/metrics/activity").then().statusCode(200).body("limit", equalTo(999));
    }

    @Test
    void modelListCarriesDeclaredCapabilities() {
        Response list = given().get("/v1/models").then().statusCode(200).extract().response();
        Map<String, Object> seer = list.jsonPath().getMap("data.find { it.id == 'seer' }");
        assertEquals(Map.of("input_modalities", List.of("text", "image"), "output_modalities", List.of("text"),
                "modality", "text+image->text"), seer.get("architecture"));
        assertEquals(Map.of("vision", true, "function_calling", true), seer.get("capabilities"));
        assertEquals(32768, seer.get("context_length"));
        Map<String, Object> alpha = list.jsonPath().getMap("data.find { it.id == 'alpha' }");
        assertTrue(!alpha.containsKey("architecture") && !alpha.containsKey("capabilities")
                && !alpha.containsKey("context_length"), alpha.toString());
    }

    @Test
    void aReloadThatRemovesAModelRemovesItsSeries() throws Exception {
        Path config = ApiTestResource.MODELS.file();
        String original = ApiTestResource.MODELS.yaml();
        int port = FakeUpstream.freePort();
        String withGamma = original + "  gamma:\n    cmd: " + FakeUpstream.command("--port", Integer.toString(port),
                "--model-name", "gamma") + "\n    proxy: http://127.0.0.1:" + port + "\n";
        try {
            Files.writeString(config, withGamma);
            given().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));
            assertTrue(Metrics.has(Metrics.scrape(), "modelswap_model_state{model=\"gamma\""));
        } finally {
            Files.writeString(config, original);
            given().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));
        }
        Map<String, Double> metrics = Metrics.scrape();
        assertTrue(metrics.keySet().stream().noneMatch(series -> series.contains("model=\"gamma\"")),
                metrics.toString());
        assertTrue(Metrics.has(metrics, "modelswap_model_state{model=\"alpha\""), metrics.toString());
    }

    // ------------------------------------------------------------------ health, CORS, no keys

    @Test
    void healthProbesAreUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("router-loop"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("configuration"));
    }

    @Test
    void withoutApiKeysEveryRouteIsOpenAndAllowsAnyOrigin() {
        given().header("Origin", "http://page.example").get("/v1/models").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "*");
        given().header("Origin", "http://page.example").contentType("application/json")
                .body("{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions").then()
                .statusCode(200).header("Access-Control-Allow-Origin", "*");
        given().header("Origin", "http://page.example").options("/api/models/load/alpha").then().statusCode(204)
                .header("Access-Control-Allow-Headers", not(empty().toString()));
    }
}
