package io.modelswap.it;

import static io.modelswap.it.Calls.chat;
import static io.modelswap.it.Calls.chatAsync;
import static io.modelswap.it.Calls.join;
import static io.modelswap.it.Calls.pidOf;
import static io.modelswap.it.Calls.readDataLine;
import static io.modelswap.it.Calls.stream;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.Metrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy end to end: real fake-upstream processes behind modelswap, real HTTP on loopback. */
@QuarkusTest
@WithTestResource(ProxyTestResource.class)
class ProxyTest {

    static Response postChat(String model) {
        return given().contentType("application/json").body(chat(model, false)).post("/v1/chat/completions");
    }

    @BeforeEach
    void unloadEverything() {
        given().get("/unload").then().statusCode(200);
    }

    @Test
    void aChatCompletionStartsItsModelOnDemandAndIsAnsweredByIt() {
        postChat("alpha").then().statusCode(200)
                .body("choices[0].message.content", containsString("alpha answered"));
        given().get("/running").then().statusCode(200)
                .body("running.model", equalTo(List.of("alpha")))
                .body("running[0].state", equalTo("ready"));
    }

    @Test
    void anAliasReachesItsModel() {
        postChat("a").then().statusCode(200).body("choices[0].message.content", containsString("alpha answered"));
    }

    @Test
    void swappingStopsThePreviousModelWithItsWholeProcessTree() {
        postChat("alpha").then().statusCode(200);
        List<Long> alphaPids = FakeUpstream.pidsOf(ProxyTestResource.MODELS.port("alpha"));
        assertTrue(alphaPids.size() >= 2, "alpha runs with a forked grandchild: " + alphaPids);
        alphaPids.forEach(pid -> assertTrue(FakeUpstream.alive(pid)));

        postChat("beta").then().statusCode(200).body("choices[0].message.content", containsString("beta answered"));

        // alpha was stopped before beta started: nothing of it is left, the grandchild included
        alphaPids.forEach(pid -> assertFalse(FakeUpstream.alive(pid), "process " + pid + " of alpha survived"));
        given().get("/running").then().body("running.model", equalTo(List.of("beta")));
    }

    @Test
    void concurrentRequestsForAStoppedModelStartItOnce() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(chatAsync("slow"));
        }
        List<Long> pids = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            pids.add(pidOf(join(call)));
        }
        assertEquals(1, pids.stream().distinct().count(), "one process served every request: " + pids);
    }

    @Test
    void streamedChunksReachTheClientBeforeTheUpstreamHasFinished() throws Exception {
        HttpResponse<java.io.InputStream> response = stream("held");
        assertEquals(200, response.statusCode());
        assertEquals("no", response.headers().firstValue("X-Accel-Buffering").orElse(""));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // The fake writes two chunks, then blocks until it is released: reading them proves nothing is buffered.
            assertTrue(readDataLine(lines).contains("chat.completion.chunk"));
            assertTrue(readDataLine(lines).contains("chat.completion.chunk"));
            FakeUpstream.post(ProxyTestResource.MODELS.port("held"), "/release");
            String last = "";
            for (String line = readDataLine(lines); line != null; line = readDataLine(lines)) {
                last = line;
            }
            assertEquals("data: [DONE]", last);
        }
    }

    @Test
    void aClientLeavingMidStreamClosesTheUpstreamRequestToo() throws Exception {
        int port = ProxyTestResource.MODELS.port("held");
        HttpResponse<java.io.InputStream> response = stream("held");
        String before = FakeUpstream.get(port, "/stats");
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertTrue(readDataLine(lines).contains("chat.completion.chunk"));
        } // closing the body closes the client's connection mid-stream
        // release the fake only once modelswap has seen its client go (the request is no longer in flight): it has
        // then closed the upstream request, so the fake's writes after the release meet a closed connection
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Metrics.scrape().get("modelswap_requests_in_flight{model=\"held\"}") == 0.0);
        FakeUpstream.post(port, "/release");
        // the fake's next write fails only if modelswap closed the upstream request when its client left
        int abortedBefore = Integer.parseInt(before.replaceAll("\\D", ""));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Integer.parseInt(FakeUpstream.get(port, "/stats").replaceAll("\\D", "")) > abortedBefore);
        // and the model is free again: the grant was released
        postChat("held").then().statusCode(200);
    }

    @Test
    void anUpstreamIgnoringSigtermIsKilledAfterItsGracePeriod() {
        postChat("stubborn").then().statusCode(200);
        List<Long> pids = FakeUpstream.pidsOf(ProxyTestResource.MODELS.port("stubborn"));
        given().post("/api/models/unload/stubborn").then().statusCode(200).body(equalTo("OK"));
        // unload returns once the process is gone
        pids.forEach(pid -> assertFalse(FakeUpstream.alive(pid), "stubborn process " + pid + " survived"));
        given().get("/running").then().body("running", org.hamcrest.Matchers.empty());
    }

    @Test
    void anUpstreamThatExitsWhileStartingFailsItsRequestsPromptly() throws Exception {
        // healthCheckTimeout is 15 s; the client gives up after 10 s, so only a prompt failure passes
        HttpResponse<String> response = Calls.HTTP.send(
                HttpRequest.newBuilder(Calls.chatRequest("crashy", false), (n, v) -> true)
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, response.statusCode(), response.body());
        assertTrue(response.body().contains("crashy"), response.body());
        assertTrue(response.body().contains("\"code\":\"upstream_start_failed\""), response.body());
        given().get("/running").then().body("running", org.hamcrest.Matchers.empty());
    }

    @Test
    void anUpstreamDyingMidStreamTerminatesTheClientStreamAndCanStartAgain() throws Exception {
        HttpResponse<java.io.InputStream> response = stream("dying");
        assertEquals(200, response.statusCode());
        List<String> received = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = readDataLine(lines); line != null; line = readDataLine(lines)) {
                received.add(line);
            }
        } catch (IOException truncated) {
            // a reset connection is one of the two acceptable ends of a broken stream
        }
        assertFalse(received.contains("data: [DONE]"), "a broken stream must not look complete: " + received);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().get("/running").then().body("running.model", not(hasItem("dying"))));
        // the next request starts it again (and it dies again mid-stream, which is its job)
        given().contentType("application/json").body(chat("dying", false)).post("/v1/chat/completions")
                .then().statusCode(200);
    }

    @Test
    void anUnknownModelIsAnOpenAiStyle404() {
        postChat("no-such-model").then().statusCode(404)
                .contentType("application/json")
                .body("error.message", containsString("no-such-model"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("model_not_found"));
    }

    @Test
    void malformedJsonIsAnOpenAiStyle400() {
        given().contentType("application/json").body("{\"model\": \"alpha\",").post("/v1/chat/completions")
                .then().statusCode(400).body("error.message", containsString("malformed JSON"));
    }

    @Test
    void aRequestWithoutModelIsA400() {
        given().contentType("application/json").body("{\"messages\":[]}").post("/v1/chat/completions")
                .then().statusCode(400).body("error.message", containsString("no model id"));
    }

    @Test
    void aBodyOverTheLimitIsA413BeforeAnyModelStarts() {
        String big = "{\"model\":\"alpha\",\"pad\":\"" + "x".repeat(1_100_000) + "\"}";
        given().contentType("application/json").body(big).post("/v1/chat/completions")
                .then().statusCode(413).body("error.message", containsString("limit"));
        given().get("/running").then().body("running", org.hamcrest.Matchers.empty());
    }

    @Test
    void otherJsonRoutesAreProxiedWithTheBodyIntact() {
        String body = "{\"model\":\"beta\",\"input\":\"hello \\u00e9t\\u00e9\"}";
        given().contentType("application/json").body(body).post("/v1/embeddings").then().statusCode(200)
                .body("path", equalTo("/v1/embeddings"))
                .body("body_length", equalTo(body.getBytes(StandardCharsets.UTF_8).length))
                .body("body_sha256", equalTo(FakeUpstream.sha256(body)));
    }

    @Test
    void aMultipartUploadIsRoutedByItsModelField() {
        given().multiPart("model", "beta").multiPart("file", "a.wav", new byte[4096], "audio/wav")
                .post("/v1/audio/transcriptions").then().statusCode(200)
                .body("path", equalTo("/v1/audio/transcriptions"))
                .body("content_type", containsString("multipart/form-data"));
    }

    @Test
    void useModelNameRewritesTheModelFieldOfAMultipartFormAndKeepsTheFile() {
        byte[] audio = new byte[70_000];
        new java.util.Random(3).nextBytes(audio);
        given().multiPart("model", "renamed").multiPart("file", "a.wav", audio, "audio/wav")
                .multiPart("language", "en")
                .post("/v1/audio/transcriptions").then().statusCode(200)
                .body("form_model", equalTo("upstream-name"))
                .body("model_name", equalTo("renamed"));
        // a form for a model without useModelName is forwarded byte for byte
        given().multiPart("model", "beta").multiPart("file", "a.wav", audio, "audio/wav")
                .post("/v1/audio/transcriptions").then().statusCode(200).body("form_model", equalTo("beta"));
    }

    @Test
    void errorsFollowTheClientsAccept() {
        String chat = "{\"model\":\"nope\",\"messages\":[]}";
        given().accept("text/plain").contentType("application/json").body(chat).post("/v1/chat/completions")
                .then().statusCode(404).contentType(containsString("text/plain"))
                .body(equalTo("modelswap: model 'nope' not found; GET /v1/models lists the configured models"));
        given().accept("text/html,application/xhtml+xml,*/*;q=0.8").get("/upstream/nope/x").then().statusCode(404)
                .contentType(containsString("text/html"))
                .body(containsString("<p>no configured model matches /upstream/nope/x; GET /v1/models lists"));
        given().contentType("application/json").body(chat).post("/v1/chat/completions").then().statusCode(404)
                .contentType(containsString("application/json")).body("error.code", equalTo("model_not_found"));
    }

    @Test
    void upstreamPassthroughKeepsThePathEncoded() {
        given().urlEncodingEnabled(false).get("/upstream/alpha/echo/x%2Fy?q=1").then().statusCode(200)
                .body("raw_path", equalTo("/echo/x%2Fy"))
                .body("query", equalTo("q=1"));
        given().get("/upstream/no-such-model/x").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"));
        given().urlEncodingEnabled(false).get("/upstream/alpha/../beta/x").then().statusCode(400);
    }

    @Test
    void theModelListShowsEveryModelWithItsStatus() {
        postChat("beta").then().statusCode(200);
        given().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItem("alpha"))
                .body("data.find { it.id == 'beta' }.status.value", equalTo("loaded"))
                .body("data.find { it.id == 'alpha' }.status.value", equalTo("unloaded"));
        given().get("/models").then().statusCode(200).body("data.id", hasItem("beta"));
    }

    @Test
    void theConfigurationLoadedWithoutWarnings() {
        // in a native image this also proves the mapping interfaces are readable (unknown-key detection)
        given().get("/api/config/reload").then().statusCode(200)
                .body("ok", equalTo(true))
                .body("errors", org.hamcrest.Matchers.empty())
                .body("warnings", org.hamcrest.Matchers.empty());
    }

    @Test
    void healthAnswersOk() {
        given().get("/health").then().statusCode(200).body(equalTo("OK"));
    }

}
