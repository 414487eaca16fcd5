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
import io.restassured.response.Response;
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
import java.time.Duration;
import java.util.List;
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
        assertTrue(seen.startsWith("event: message\ndata: {\"type\":\"modelStatus\",\"data\":\"["), seen);
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
        String metrics = given().get("/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("modelswap_swaps_started_total{model=\"alpha\"}"), metrics);
        assertTrue(metrics.contains("modelswap_evictions_total{model=\"alpha\",reason=\"swap\"}"), metrics);
        assertTrue(metrics.contains("modelswap_requests_total{model=\"beta\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("modelswap_model_state{model=\"beta\",state=\"ready\"} 1.0"), metrics);
        assertTrue(metrics.contains("modelswap_swap_duration_seconds_bucket{model=\"beta\",le="), metrics);
        assertTrue(metrics.contains("modelswap_queue_wait_seconds_count{model=\"beta\"}"), metrics);
        assertTrue(metrics.contains("modelswap_queue_depth{model=\"alpha\"} 0.0"), metrics);
        assertTrue(metrics.contains("modelswap_requests_in_flight{model=\"alpha\"} 0.0"), metrics);
        given().get("/unload").then().statusCode(200);
        assertTrue(given().get("/metrics").asString()
                .contains("modelswap_evictions_total{model=\"beta\",reason=\"unload\"}"));
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
        given().get("/v1/models").then().statusCode(200).header("Access-Control-Allow-Origin", "*");
        postChat("alpha", false).then().statusCode(200).header("Access-Control-Allow-Origin", "*");
        given().options("/api/models/load/alpha").then().statusCode(204)
                .header("Access-Control-Allow-Headers", not(empty().toString()));
    }
}
