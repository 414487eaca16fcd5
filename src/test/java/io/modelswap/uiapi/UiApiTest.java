package io.modelswap.uiapi;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API the web UI stands on, end to end against real fake upstreams over real HTTP: the in-flight list and its
 * frames, cancelling, completed activity with errors, statistics, captures, swap decisions, the configuration views
 * and the redirects.
 */
@QuarkusTest
@WithTestResource(UiApiTestResource.class)
class UiApiTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Most clients, and browsers on plain http: HTTP/1.1, where the server closing a connection runs no handlers. */
    static final HttpClient HTTP_1_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    static URI uri(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }

    static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static HttpRequest.Builder chatRequest(String model, boolean stream) {
        return HttpRequest.newBuilder(uri("/v1/chat/completions")).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chat(model, stream)));
    }

    static CompletableFuture<HttpResponse<String>> chatAsync(String model, String... headers) {
        HttpRequest.Builder request = chatRequest(model, false);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A stream of the holding model that has sent its first chunk and holds the rest until released. */
    static BufferedReader openHeld(String... headers) throws Exception {
        return openHeld(HTTP, headers);
    }

    /** {@link #openHeld(String...)} through {@code client}. */
    static BufferedReader openHeld(HttpClient client, String... headers) throws Exception {
        HttpRequest.Builder request = chatRequest("holder", true);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String first = dataLine(lines);
        assertNotNull(first);
        assertTrue(first.contains("chat.completion.chunk"), first);
        return lines;
    }

    static String dataLine(BufferedReader lines) throws IOException {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("data:")) {
                return line;
            }
        }
        return null;
    }

    /** Cancels in-flight request {@code id} through the API and reads what its held stream still delivers. */
    static String cancelAndReadTheRest(String id, BufferedReader held) {
        given().post("/api/inflight/" + id + "/cancel").then().statusCode(200);
        String rest = "";
        try {
            for (String line = dataLine(held); line != null; line = dataLine(held)) {
                rest += line;
            }
        } catch (IOException cut) {
            // the connection was closed under the reader: that is the point
        }
        return rest;
    }

    static JsonArray inflight() {
        return new JsonObject(given().get("/api/inflight").then().statusCode(200).extract().asString())
                .getJsonArray("requests");
    }

    static JsonObject inflightOf(String model) {
        for (Object o : inflight()) {
            JsonObject entry = (JsonObject) o;
            if (entry.getString("model").equals(model)) {
                return entry;
            }
        }
        return null;
    }

    static int abortedStreams(String model) {
        return Integer.parseInt(FakeUpstream.get(UiApiTestResource.MODELS.port(model), "/stats").replaceAll("\\D", ""));
    }

    static long lastActivityId() {
        JsonArray rows = new JsonObject(given().queryParam("limit", 1).get("/api/metrics/activity").then()
                .statusCode(200).extract().asString()).getJsonArray("data");
        return rows.isEmpty() ? 0 : rows.getJsonObject(0).getLong("id");
    }

    /**
     * Runs {@code request} and returns the activity row it added: a row is recorded once the response has ended on
     * modelswap's side, which may be just after the client has read it.
     */
    static JsonObject rowOf(Runnable request) {
        long before = lastActivityId();
        request.run();
        await().atMost(Duration.ofSeconds(10)).until(() -> lastActivityId() > before);
        JsonArray rows = new JsonObject(given().queryParam("min_id", before + 1).queryParam("order", "asc")
                .get("/api/metrics/activity").then().statusCode(200).extract().asString()).getJsonArray("data");
        return rows.getJsonObject(0);
    }

    /** The outcome of the newest swap decision that loads {@code model}, or null. */
    static String lastSwapOutcome(String model) {
        JsonArray decisions = new JsonObject(given().get("/api/swaps").then().statusCode(200).extract().asString())
                .getJsonArray("decisions");
        for (Object o : decisions) {
            JsonObject decision = (JsonObject) o;
            if (model.equals(decision.getString("model"))) {
                return decision.getString("outcome");
            }
        }
        return null;
    }

    /** The newest activity row of {@code model}. */
    static JsonObject lastActivity(String model) {
        JsonArray rows = new JsonObject(given().queryParam("model", model).queryParam("limit", 1)
                .get("/api/metrics/activity").then().statusCode(200).extract().asString()).getJsonArray("data");
        return rows.isEmpty() ? null : rows.getJsonObject(0);
    }

    @BeforeEach
    void nothingInFlightAndNothingLoaded() {
        await().atMost(Duration.ofSeconds(30)).until(() -> inflight().isEmpty());
        given().get("/unload").then().statusCode(200);
    }

    // ------------------------------------------------------------------ in flight

    @Test
    void aRequestInFlightIsListedWithItsClientAndCancellingItReleasesItsGrant() throws Exception {
        BufferedReader held = openHeld(UiApiTestResource.SESSION_HEADER, "sess-42", "User-Agent", "ui-api-test/1",
                "Authorization", "Bearer sk-never-shown");
        int abortedBefore = abortedStreams("holder");
        JsonObject streaming = inflightOf("holder");
        assertNotNull(streaming, inflight().encode());
        assertEquals("streaming", streaming.getString("state"));
        assertEquals("POST", streaming.getString("method"));
        assertEquals("/v1/chat/completions", streaming.getString("req_path"));
        assertEquals("sess-42", streaming.getString("session_id"));
        assertTrue(streaming.getString("user_agent").contains("ui-api-test/1"), streaming.encode());
        assertEquals("127.0.0.1", streaming.getString("remote_ip"));
        assertEquals(chat("holder", true).length(), streaming.getLong("req_bytes"));
        assertTrue(streaming.getLong("resp_bytes") > 0, streaming.encode());
        assertEquals(0, streaming.getInteger("queue_position"));
        assertEquals("[REDACTED]", streaming.getJsonObject("req_headers").getString("Authorization"));
        assertFalse(given().get("/api/inflight").asString().contains("sk-never-shown"));

        // the same group: "plain" must wait until the held request is over, in the queue
        CompletableFuture<HttpResponse<String>> queued = chatAsync("plain");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonObject entry = inflightOf("plain");
            return entry != null && entry.getString("state").equals("queued") && entry.getInteger("queue_position") == 1;
        });
        String queuedId = inflightOf("plain").getString("id");
        given().post("/api/inflight/" + queuedId + "/cancel").then().statusCode(200).body("msg", equalTo("ok"));
        CompletionException gone = assertThrows(CompletionException.class,
                () -> queued.orTimeout(30, TimeUnit.SECONDS).join());
        assertTrue(gone.getCause() instanceof IOException, String.valueOf(gone.getCause()));
        await().atMost(Duration.ofSeconds(10)).until(() -> inflightOf("plain") == null);
        await().atMost(Duration.ofSeconds(10)).until(() -> lastActivity("plain") != null
                && lastActivity("plain").getInteger("resp_status_code") == 499);
        JsonObject cancelledRow = lastActivity("plain");
        assertEquals(499, cancelledRow.getInteger("resp_status_code"));
        assertTrue(cancelledRow.getString("error_msg").contains("cancelled through the API"), cancelledRow.encode());

        // cancelling the streaming one ends its upstream exchange and releases its grant
        String rest = cancelAndReadTheRest(streaming.getString("id"), held);
        assertFalse(rest.contains("[DONE]"), rest);
        await().atMost(Duration.ofSeconds(10)).until(() -> inflight().isEmpty());
        FakeUpstream.post(UiApiTestResource.MODELS.port("holder"), "/release");
        await().atMost(Duration.ofSeconds(10)).until(() -> abortedStreams("holder") > abortedBefore);
        assertEquals(499, lastActivity("holder").getInteger("resp_status_code"));
        // holder's grant is back: plain can evict it now
        given().contentType("application/json").body(chat("plain", false)).post("/v1/chat/completions").then()
                .statusCode(200);
    }

    @Test
    void aRequestThroughAnAliasShowsTheNameItAskedForAndTheModelThatServedIt() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(chatRequest("h", true).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        BufferedReader held = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertNotNull(dataLine(held));
        int abortedBefore = abortedStreams("holder");
        JsonObject streaming = inflightOf("holder");
        assertNotNull(streaming, inflight().encode());
        assertEquals("h", streaming.getString("requested"), streaming.encode());
        cancelAndReadTheRest(streaming.getString("id"), held);
        await().atMost(Duration.ofSeconds(10)).until(() -> inflightOf("holder") == null);
        FakeUpstream.post(UiApiTestResource.MODELS.port("holder"), "/release");
        await().atMost(Duration.ofSeconds(10)).until(() -> abortedStreams("holder") > abortedBefore);
        JsonObject row = lastActivity("holder");
        assertEquals("h", row.getString("requested"), row.encode());

        // named by its own ID: nothing more to say
        given().contentType("application/json").body(chat("holder", false)).post("/v1/chat/completions").then()
                .statusCode(200);
        JsonObject direct = lastActivity("holder");
        assertFalse(direct.containsKey("requested"), direct.encode());
    }

    @Test
    void cancellingAnHttp11RequestEndsItsUpstreamExchangeAndTheLoadItWaitedFor() throws Exception {
        BufferedReader held = openHeld(HTTP_1_1);
        int abortedBefore = abortedStreams("holder");
        JsonObject streaming = inflightOf("holder");
        assertNotNull(streaming, inflight().encode());
        String rest = cancelAndReadTheRest(streaming.getString("id"), held);
        assertFalse(rest.contains("[DONE]"), rest);
        // no longer listed as streaming, and the upstream's generation was stopped, not left running for nobody
        await().atMost(Duration.ofSeconds(10)).until(() -> inflightOf("holder") == null);
        FakeUpstream.post(UiApiTestResource.MODELS.port("holder"), "/release");
        await().atMost(Duration.ofSeconds(10)).until(() -> abortedStreams("holder") > abortedBefore);
        JsonObject holderRow = lastActivity("holder");
        assertEquals(499, holderRow.getInteger("resp_status_code"));
        assertTrue(holderRow.getString("error_msg").contains("cancelled through the API"), holderRow.encode());

        // a request cancelled while its model loads: the load nobody waits for any more is abandoned, and the
        // request is never sent to the model
        CompletableFuture<HttpResponse<String>> loading = HTTP_1_1.sendAsync(chatRequest("slowpoke", false).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonObject entry = inflightOf("slowpoke");
            return entry != null && entry.getString("state").equals("loading");
        });
        given().post("/api/inflight/" + inflightOf("slowpoke").getString("id") + "/cancel").then().statusCode(200);
        CompletionException gone = assertThrows(CompletionException.class,
                () -> loading.orTimeout(30, TimeUnit.SECONDS).join());
        assertTrue(gone.getCause() instanceof IOException, String.valueOf(gone.getCause()));
        await().atMost(Duration.ofSeconds(10)).until(() -> inflightOf("slowpoke") == null);
        // the router's own account: the swap to slowpoke ended as cancelled, and nothing of it runs
        await().atMost(Duration.ofSeconds(10)).until(() -> "cancelled".equals(lastSwapOutcome("slowpoke")));
        given().get("/running").then().body("running.model",
                org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("slowpoke")));
        JsonObject slowpokeRow = lastActivity("slowpoke");
        assertEquals(499, slowpokeRow.getInteger("resp_status_code"));
        assertTrue(slowpokeRow.getString("error_msg").contains("cancelled through the API"), slowpokeRow.encode());
    }

    @Test
    void cancellingWhatIsNotInFlightIs404() {
        given().post("/api/inflight/987654/cancel").then().statusCode(404)
                .body("error.type", equalTo("invalid_request_error")).body("error.message", containsString("987654"));
        given().post("/api/inflight/not-a-number/cancel").then().statusCode(404);
        given().get("/api/inflight").then().statusCode(200).body("requests.size()", equalTo(0));
    }

    @Test
    void eventsCarryInflightSnapshotUpsertsAndRemovesWithThrottledUpserts() throws Exception {
        try (EventStream events = EventStream.open()) {
            JsonObject snapshot = events.await("inflight", f -> f.getString("operation").equals("snapshot"));
            assertEquals(new JsonArray(), snapshot.getJsonArray("requests"));
            long started = System.nanoTime();
            // 40 tokens, 25 ms apart: about a second of chunks, each of which changes the byte count
            HttpResponse<String> answer = HTTP.send(chatRequest("chatty", true).build(),
                    HttpResponse.BodyHandlers.ofString());
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, answer.statusCode());
            JsonObject removed = events.await("inflight", f -> f.getString("operation").equals("remove"));
            String id = removed.getString("id");
            List<JsonObject> upserts = events.data("inflight").stream().map(JsonObject.class::cast)
                    .filter(f -> f.getString("operation").equals("upsert"))
                    .filter(f -> f.getJsonObject("request").getString("id").equals(id)).toList();
            assertFalse(upserts.isEmpty());
            assertEquals("chatty", upserts.get(0).getJsonObject("request").getString("model"));
            assertTrue(upserts.stream().anyMatch(u -> u.getJsonObject("request").getString("state").equals("streaming")));
            // one upsert per state change (loading, streaming, answered) plus at most one per 250 ms of bytes
            long bound = tookMs / 250 + 5;
            assertTrue(upserts.size() <= bound, upserts.size() + " upserts in " + tookMs + " ms (at most " + bound
                    + "): " + upserts);
            assertTrue(upserts.size() < 40, "throttled below one per chunk: " + upserts.size());
            int removeIndex = events.data("inflight").indexOf(removed);
            assertTrue(events.data("inflight").subList(removeIndex + 1, events.data("inflight").size()).stream()
                    .map(JsonObject.class::cast).noneMatch(f -> f.getString("operation").equals("upsert")
                            && f.getJsonObject("request").getString("id").equals(id)), "no upsert after the remove");
        }
    }

    // ------------------------------------------------------------------ captures

    static String decode(String base64) {
        return new String(java.util.Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    @Test
    void aCaptureHoldsTheRequestAndTheAnswerButNeverTheKey() {
        String body = chat("plain", false);
        JsonObject row = rowOf(() -> given().contentType("application/json")
                .header("Authorization", "Bearer sk-capture-secret").header("x-api-key", "sk-other-secret").body(body)
                .post("/v1/chat/completions").then().statusCode(200));
        assertTrue(row.getBoolean("has_capture"), row.encode());
        String text = given().get("/api/captures/" + row.getLong("id")).then().statusCode(200)
                .contentType(containsString("application/json")).extract().asString();
        assertFalse(text.contains("sk-capture-secret") || text.contains("sk-other-secret"), text);
        JsonObject capture = new JsonObject(text);
        assertEquals(row.getLong("id"), capture.getLong("id"));
        assertEquals("/v1/chat/completions", capture.getString("req_path"));
        assertEquals(body, decode(capture.getString("req_body")));
        assertTrue(decode(capture.getString("resp_body")).contains("plain answered"), text);
        assertEquals("[REDACTED]", capture.getJsonObject("req_headers").getString("Authorization"));
        assertEquals("[REDACTED]", capture.getJsonObject("req_headers").getString("X-Api-Key"));
        assertTrue(capture.getJsonObject("resp_headers").getString("Content-Type").contains("json"), text);

        // a streamed answer is kept as the event stream it was
        JsonObject streamedRow = rowOf(() -> given().contentType("application/json").body(chat("plain", true))
                .post("/v1/chat/completions").then().statusCode(200));
        JsonObject streamed = new JsonObject(given().get("/api/captures/" + streamedRow.getLong("id"))
                .then().statusCode(200).extract().asString());
        String events = decode(streamed.getString("resp_body"));
        assertTrue(events.contains("data: ") && events.contains("[DONE]"), events);
    }

    @Test
    void aFailedRequestKeepsItsRequestAndTheUpstreamsErrorMessage() {
        // the fake upstream has no speech route: it answers 404 with an OpenAI-style error
        String body = "{\"model\":\"plain\",\"input\":\"hello\"}";
        JsonObject row = rowOf(() -> given().contentType("application/json").body(body).post("/v1/audio/speech")
                .then().statusCode(404));
        assertEquals(404, row.getInteger("resp_status_code"));
        assertEquals("no route POST /v1/audio/speech", row.getString("error_msg"));
        JsonObject capture = new JsonObject(given().get("/api/captures/" + row.getLong("id")).then().statusCode(200)
                .extract().asString());
        assertEquals(body, decode(capture.getString("req_body")));
        assertEquals(null, capture.getValue("resp_body"));
    }

    @Test
    void capturesAreBoundedInBytesAndTheOldestGoFirst() {
        // captureBuffer: 1 (MB); random text barely compresses, so each capture takes about 400 KB
        java.util.Random random = new java.util.Random(7);
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] noise = new byte[300 * 1024];
            random.nextBytes(noise);
            String input = java.util.Base64.getEncoder().encodeToString(noise);
            ids.add(rowOf(() -> given().contentType("application/json")
                    .body("{\"model\":\"plain\",\"input\":\"" + input + "\"}").post("/v1/embeddings").then()
                    .statusCode(200)).getLong("id"));
        }
        given().get("/api/captures/" + ids.get(3)).then().statusCode(200);
        given().get("/api/captures/" + ids.get(0)).then().statusCode(404).body("error.code", equalTo("not_found"));
        JsonObject oldest = new JsonObject(given().queryParam("min_id", ids.get(0)).queryParam("max_id", ids.get(0))
                .get("/api/metrics/activity").asString()).getJsonArray("data").getJsonObject(0);
        assertFalse(oldest.getBoolean("has_capture"), oldest.encode());

        // one request larger than the whole buffer is served but not captured
        byte[] big = new byte[1536 * 1024];
        random.nextBytes(big);
        JsonObject bigRow = rowOf(() -> given().contentType("application/json").body("{\"model\":\"plain\",\"input\":\""
                + java.util.Base64.getEncoder().encodeToString(big) + "\"}").post("/v1/embeddings").then().statusCode(200));
        assertEquals(200, bigRow.getInteger("resp_status_code"));
        assertFalse(bigRow.getBoolean("has_capture"), bigRow.encode());
        given().get("/api/captures/" + bigRow.getLong("id")).then().statusCode(404);
        given().get("/api/captures/not-a-number").then().statusCode(400);
    }

    // ------------------------------------------------------------------ statistics

    @Test
    void statsSumTheActivityOfAModelAndHistogramItsSpeeds() {
        for (int i = 0; i < 3; i++) {
            boolean stream = i % 2 == 0;
            rowOf(() -> given().contentType("application/json").body(chat("plain", stream))
                    .post("/v1/chat/completions").then().statusCode(200));
        }
        JsonArray rows = new JsonObject(given().queryParam("model", "plain").queryParam("limit", 999)
                .get("/api/metrics/activity").asString()).getJsonArray("data");
        long output = 0;
        int withDecodeSpeed = 0;
        for (Object o : rows) {
            JsonObject tokens = ((JsonObject) o).getJsonObject("tokens");
            output += tokens.getLong("output_tokens");
            withDecodeSpeed += tokens.getDouble("tokens_per_second") > 0 ? 1 : 0;
        }
        JsonObject stats = new JsonObject(given().queryParam("model", "plain").get("/api/metrics/stats").then()
                .statusCode(200).extract().asString());
        assertEquals(rows.size(), stats.getInteger("total_requests"));
        assertEquals(output, stats.getLong("total_output_tokens"));
        JsonObject gen = stats.getJsonObject("gen_histogram");
        assertEquals(withDecodeSpeed, gen.getJsonArray("bins").stream().mapToInt(b -> (Integer) b).sum());
        assertTrue(gen.getDouble("p50") > 0 && gen.getDouble("p99") >= gen.getDouble("p50"), gen.encode());

        given().queryParam("model", "nobody").get("/api/metrics/stats").then().statusCode(200)
                .body("total_requests", equalTo(0)).body("gen_histogram", equalTo(null));
        given().queryParam("end", "2000-01-01T00:00:00Z").get("/api/metrics/stats").then().statusCode(200)
                .body("total_requests", equalTo(0));
        given().queryParam("start", "yesterday").get("/api/metrics/stats").then().statusCode(400)
                .body("error.param", equalTo("start"));
    }

    // ------------------------------------------------------------------ swap decisions

    static JsonArray decisions() {
        return new JsonObject(given().get("/api/swaps").then().statusCode(200).extract().asString())
                .getJsonArray("decisions");
    }

    @Test
    void swapDecisionsSayWhatWasEvictedWhyAndHowLongTheRequestWaited() throws Exception {
        try (EventStream events = EventStream.open()) {
            BufferedReader held = openHeld();
            long queuedAt = System.nanoTime();
            CompletableFuture<HttpResponse<String>> waiting = chatAsync("plain");
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonObject entry = inflightOf("plain");
                return entry != null && entry.getString("state").equals("queued");
            });
            long releasedAfterMs = (System.nanoTime() - queuedAt) / 1_000_000;
            FakeUpstream.post(UiApiTestResource.MODELS.port("holder"), "/release");
            while (dataLine(held) != null) {
                // the held stream finishes
            }
            assertEquals(200, waiting.orTimeout(30, TimeUnit.SECONDS).join().statusCode());

            JsonObject ready = events.await("swap", d -> "plain".equals(d.getString("model"))
                    && d.getString("outcome").equals("ready"));
            assertEquals("swap", ready.getString("kind"));
            JsonObject eviction = ready.getJsonArray("evicted").getJsonObject(0);
            assertEquals("holder", eviction.getString("model"));
            assertEquals("swap", eviction.getString("cause"));
            assertEquals("group \"(default)\" runs one member at a time (swap: true)", eviction.getString("rule"));
            assertTrue(ready.getLong("queue_wait_ms") >= releasedAfterMs - 50, ready.encode() + " vs " + releasedAfterMs);
            assertTrue(ready.getLong("load_ms") > 0, ready.encode());
            // the decision was told when it was taken, then with its outcome
            long id = ready.getLong("id");
            assertTrue(events.data("swap").stream().map(JsonObject.class::cast)
                    .anyMatch(d -> d.getLong("id") == id && d.getString("outcome").equals("loading")));
            assertEquals(ready, decisions().getJsonObject(0));
        }
        given().post("/api/models/unload/plain").then().statusCode(200);
        JsonObject stop = decisions().getJsonObject(0);
        assertEquals("stop", stop.getString("kind"));
        assertEquals(new JsonObject().put("model", "plain").put("cause", "unload").put("rule", "unloaded through the API"),
                stop.getJsonArray("evicted").getJsonObject(0));

        JsonObject rules = new JsonObject(given().queryParam("limit", 1).get("/api/swaps").then().statusCode(200)
                .body("decisions.size()", equalTo(1)).extract().asString()).getJsonObject("settings");
        assertEquals(0, rules.getLong("starvation_timeout_ms"));
        assertEquals(0, rules.getLong("min_residency_ms"));
        assertEquals("group", rules.getString("router"));
        assertEquals("(default)", rules.getJsonArray("groups").getJsonObject(0).getString("id"));
        given().queryParam("limit", 0).get("/api/swaps").then().statusCode(400).body("error.param", equalTo("limit"));
    }

    // ------------------------------------------------------------------ configuration views, uiConfig, redirects

    @Test
    void eventsOpenWithUiConfigAndTellEachReloadWithItsProblemsAndLines() throws Exception {
        java.nio.file.Path file = UiApiTestResource.MODELS.file();
        String original = java.nio.file.Files.readString(file);
        try (EventStream events = EventStream.open()) {
            events.await("inflight", f -> f.getString("operation").equals("snapshot"));
            assertEquals(List.of("logData", "logData", "modelStatus", "uiConfig", "profileChanged", "inflight"),
                    events.types().subList(0, 6));
            assertEquals(new JsonObject().putNull("active"), events.data("profileChanged").get(0));
            JsonObject ui = (JsonObject) events.data("uiConfig").get(0);
            assertEquals(new JsonArray().add(UiApiTestResource.SESSION_HEADER),
                    ui.getJsonObject("activity").getJsonArray("session_id"));
            assertEquals(new JsonObject().put("enabled", true).put("buffer_mb", 1), ui.getJsonObject("captures"));
            assertEquals("/ui/#/models", ui.getJsonObject("routes").getString("models"));
            assertEquals(file.toString(), ui.getJsonObject("config").getString("file"));
            assertFalse(ui.getJsonObject("auth").getBoolean("api_keys"));

            // a refused edit: its problem with file and line, in the reload answer, the status and a frame
            java.nio.file.Files.writeString(file, original.replace("metricsMaxInMemory: 50",
                    "metricsMaxInMemory: 50\nglobalTTL: -3"));
            JsonObject refused = new JsonObject(given().post("/api/config/reload").then().statusCode(200)
                    .body("ok", equalTo(false)).extract().asString());
            JsonObject problem = refused.getJsonArray("problems").getJsonObject(0);
            assertEquals("error", problem.getString("severity"));
            assertEquals(file.toString(), problem.getString("file"));
            assertEquals(3, problem.getInteger("line"), refused.encode());
            assertEquals("globalTTL", problem.getString("key"));
            assertEquals(file.toString(), refused.getString("file"));
            given().get("/api/config/reload").then().statusCode(200).body("ok", equalTo(false))
                    .body("problems[0].line", equalTo(3));
            JsonObject frame = events.await("configReload", f -> !f.getBoolean("ok"));
            assertEquals(3, frame.getJsonArray("problems").getJsonObject(0).getInteger("line"));

            int uiConfigsBefore = events.data("uiConfig").size();
            java.nio.file.Files.writeString(file, original);
            given().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));
            events.await("configReload", f -> f.getBoolean("ok"));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.data("uiConfig").size() > uiConfigsBefore);
        } finally {
            java.nio.file.Files.writeString(file, original);
            given().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));
        }
    }

    @Test
    void aModelsEffectiveConfigurationHidesItsSecrets() {
        String text = given().get("/api/models/plain/config").then().statusCode(200)
                .contentType(containsString("application/json")).extract().asString();
        assertFalse(text.contains("hf_secret_value"), text);
        JsonObject plain = new JsonObject(text);
        assertEquals("plain", plain.getString("id"));
        assertEquals(UiApiTestResource.MODELS.file().toString(), plain.getString("file"));
        assertTrue(plain.getInteger("line") > 1, text);
        assertEquals("(default)", plain.getJsonObject("routing").getString("group"));
        JsonObject config = plain.getJsonObject("config");
        assertEquals(new JsonArray().add("HF_TOKEN=********").add("PLAIN=********"), config.getJsonArray("env"));
        assertTrue(config.getString("cmd").contains("--model-name plain"), text);
        assertEquals(2, config.getInteger("unloadTimeout"));
        assertEquals("/health", config.getString("checkEndpoint"));
        given().get("/api/models/h/config").then().statusCode(200).body("id", equalTo("holder"));
        given().get("/api/models/nobody/config").then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }

    @Test
    void theRootUpstreamAndBrowserLogsRedirectIntoTheUi() {
        given().redirects().follow(false).get("/").then().statusCode(302).header("Location", "/ui/");
        given().redirects().follow(false).get("/upstream").then().statusCode(302).header("Location", "/ui/#/models");
        given().redirects().follow(false).header("Accept", "text/html,application/xhtml+xml").get("/logs").then()
                .statusCode(302).header("Location", "/ui/#/logs");
        given().redirects().follow(false).get("/logs").then().statusCode(200).contentType(containsString("text/plain"));
    }

    // ------------------------------------------------------------------ performance and hardware

    @Test
    void performanceSamplesTheMachineAndGivesAModelTheGpuMemoryOfItsProcessTree() throws Exception {
        given().contentType("application/json").body(chat("plain", false)).post("/v1/chat/completions").then()
                .statusCode(200);
        long pid = FakeUpstream.pidsOf(UiApiTestResource.MODELS.port("plain")).get(0);
        // one compute process of plain's, one of a process that is no model's
        java.nio.file.Files.writeString(UiApiTestResource.GPU_APPS, pid + ", GPU-fake-0, 4096\n1, GPU-fake-0, 100\n");
        String since = java.time.Instant.now().toString();
        JsonObject[] sample = new JsonObject[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonObject perf = new JsonObject(given().queryParam("after", since).get("/api/performance").then()
                    .statusCode(200).extract().asString());
            for (Object g : perf.getJsonArray("gpu_stats")) {
                if (!((JsonObject) g).getJsonArray("models").isEmpty()) {
                    sample[0] = perf;
                    return true;
                }
            }
            return false;
        });
        JsonObject perf = sample[0];
        assertTrue(perf.getBoolean("enabled"));
        JsonObject gpu = perf.getJsonArray("gpu_stats").getJsonObject(perf.getJsonArray("gpu_stats").size() - 1);
        assertEquals(new JsonArray().add(new JsonObject().put("model", "plain").put("mem_used_mb", 4096)),
                gpu.getJsonArray("models"));
        assertEquals("NVIDIA Fake GPU", gpu.getString("name"));
        assertEquals(9000, gpu.getInteger("mem_used_mb"));
        assertEquals(24576, gpu.getInteger("mem_total_mb"));
        assertEquals(37.0, gpu.getDouble("gpu_util_pct"));
        JsonObject sys = perf.getJsonArray("sys_stats").getJsonObject(perf.getJsonArray("sys_stats").size() - 1);
        assertFalse(sys.getJsonArray("cpu_util_per_core").isEmpty());
        for (Object core : sys.getJsonArray("cpu_util_per_core")) {
            double pct = ((Number) core).doubleValue();
            assertTrue(pct >= 0 && pct <= 100, sys.encode());
        }
        assertTrue(sys.getLong("mem_total_mb") > 0 && sys.getLong("mem_used_mb") > 0, sys.encode());
        assertTrue(sys.getDouble("load_avg_1") >= 0, sys.encode());
        // every sample is after the given time
        given().queryParam("after", "2999-01-01T00:00:00Z").get("/api/performance").then().statusCode(200)
                .body("sys_stats.size()", equalTo(0)).body("gpu_stats.size()", equalTo(0));
        given().queryParam("after", "soon").get("/api/performance").then().statusCode(400)
                .body("error.param", equalTo("after"));

        JsonObject hardware = new JsonObject(given().get("/api/hardware").then().statusCode(200).extract().asString());
        assertEquals(1, hardware.getInteger("schema_version"));
        assertTrue(hardware.getJsonObject("memory").getLong("capacity_bytes") > 0, hardware.encode());
        assertTrue(hardware.getJsonObject("cpu").getInteger("logical_thread_count") >= 1, hardware.encode());
        JsonObject accelerator = hardware.getJsonArray("accelerators").getJsonObject(0);
        assertEquals("NVIDIA Fake GPU", accelerator.getString("model"));
        assertEquals(24576L * 1024 * 1024, accelerator.getJsonObject("memory").getLong("capacity_bytes"));
        assertEquals("550.54", accelerator.getJsonObject("driver").getString("version"));
    }
}
