package io.modelswap.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstreams that break while they serve, seen by real HTTP clients: an answer cut short must fail in the client (a
 * complete-looking body would be a silent truncation), request bodies of every method reach the upstream, a crashed
 * server is started again for the next request, and no pool caps concurrent streams below {@code concurrencyLimit}.
 */
@QuarkusTest
@WithTestResource(UpstreamTestResource.class)
class BrokenUpstreamTest {

    private static final TestConfig MODELS = UpstreamTestResource.MODELS;
    /** HTTP/1.1, where a cut body is told by a missing terminating chunk or missing Content-Length bytes. */
    private static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** A client that has not seen the end of its answer within this is hanging. */
    private static final Duration HANG = Duration.ofSeconds(20);

    @Inject
    Vertx vertx;

    @BeforeEach
    void unloadEverything() {
        given().get("/unload").then().statusCode(200);
    }

    private static HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(Calls.uri(path)).timeout(Calls.CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Sends {@code request} and reads its whole body; returns what the client raised, failing if it did not. */
    private static IOException cutShort(HttpRequest request) throws Exception {
        CompletableFuture<HttpResponse<String>> call = HTTP1.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            HttpResponse<String> response = call.get(HANG.toSeconds(), TimeUnit.SECONDS);
            return fail("a broken answer looked complete: " + response.statusCode() + " " + response.body());
        } catch (TimeoutException hung) {
            return fail("the client was still waiting for the rest of the answer after " + HANG);
        } catch (ExecutionException raised) {
            assertFalse(raised.getCause() instanceof HttpTimeoutException, "the client hung: " + raised.getCause());
            return assertInstanceOf(IOException.class, raised.getCause());
        }
    }

    /**
     * Waits until the model's last instance is gone. An {@code /upstream/} request is piped, not buffered: one that
     * reaches a server in the instant it dies cannot be sent again, and gets a 502 (model routes are retried).
     */
    private static void awaitGone(String model) {
        await().atMost(HANG).untilAsserted(() ->
                given().get("/running").then().body("running.model", org.hamcrest.Matchers.not(hasItem(model))));
    }

    @Test
    void aStreamCutByTheUpstreamsDeathFailsInTheClientAfterAnErrorEvent() throws Exception {
        for (String path : List.of("/v1/chat/completions", "/upstream/dying/v1/chat/completions")) {
            awaitGone("dying");
            HttpResponse<InputStream> response = HTTP1.send(post(path, Calls.chat("dying", true)),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = Calls.readDataLine(reader); line != null; line = Calls.readDataLine(reader)) {
                    lines.add(line);
                }
                fail(path + ": the stream ended as if complete: " + lines);
            } catch (IOException cut) {
                // the terminating chunk never came: what every HTTP client reports as a broken answer
            }
            assertFalse(lines.contains("data: [DONE]"), lines.toString());
            assertTrue(lines.size() >= 3, path + ": the chunks before the break and the error: " + lines);
            JsonObject error = new JsonObject(lines.get(lines.size() - 1).substring("data: ".length()));
            assertEquals("upstream_disconnected", error.getJsonObject("error").getString("code"), lines.toString());
            // and the same with a client that reads the body whole
            awaitGone("dying");
            cutShort(post(path, Calls.chat("dying", true)));
        }
    }

    @Test
    void anAnswerWithAContentLengthCutByTheUpstreamsDeathFailsInTheClientInsteadOfHanging() throws Exception {
        String body = "{\"model\":\"breaking\",\"prompt\":\"hi\"}";
        cutShort(post("/completion", body));
        cutShort(post("/v1/embeddings", body));
        awaitGone("breaking");
        cutShort(post("/upstream/breaking/v1/completions", body));
    }

    @Test
    void aBrokenAnswerIsRecordedInActivityAsAnUpstreamError() throws Exception {
        cutShort(post("/completion", "{\"model\":\"breaking\",\"prompt\":\"hi\"}"));
        cutShort(post("/v1/chat/completions", Calls.chat("dying", true)));
        for (String model : List.of("breaking", "dying")) {
            // the newest row of each model is the broken answer
            await().atMost(HANG).untilAsserted(() -> given().queryParam("model", model)
                    .get("/api/metrics/activity").then()
                    .body("data[0].resp_status_code", equalTo(502)));
        }
    }

    @Test
    void chunkedBodiesOfEveryMethodReachTheUpstream() throws Exception {
        byte[] body = "{\"name\":\"été\",\"pad\":\"".concat("x".repeat(70_000)).concat("\"}")
                .getBytes(StandardCharsets.UTF_8);
        String sha = FakeUpstream.sha256(new String(body, StandardCharsets.UTF_8));
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            // HTTP/1.1: a publisher of unknown length is sent with Transfer-Encoding: chunked
            HttpResponse<String> response = HTTP1.send(HttpRequest.newBuilder(Calls.uri("/upstream/plain/echo/doc"))
                    .timeout(Calls.CALL_TIMEOUT).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), method + ": " + response.body());
            JsonObject echo = new JsonObject(response.body());
            assertEquals(method, echo.getString("method"));
            assertEquals(body.length, echo.getInteger("body_length"), method + " over HTTP/1.1 chunked");
            assertEquals(sha, echo.getString("body_sha256"));

            // HTTP/2 (cleartext, prior knowledge): a body without Content-Length
            JsonObject h2 = new JsonObject(http2WithoutLength(HttpMethod.valueOf(method), body));
            assertEquals(body.length, h2.getInteger("body_length"), method + " over HTTP/2 without Content-Length");
            assertEquals(sha, h2.getString("body_sha256"));
        }
    }

    private String http2WithoutLength(HttpMethod method, byte[] body) throws Exception {
        io.vertx.core.http.HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        try {
            return client.request(method, RestAssured.port, "localhost", "/upstream/plain/echo/doc")
                    .compose(request -> {
                        request.setChunked(true).putHeader("Content-Type", "application/json");
                        request.write(Buffer.buffer(java.util.Arrays.copyOf(body, body.length / 2)));
                        return request.end(Buffer.buffer(java.util.Arrays.copyOfRange(body, body.length / 2,
                                        body.length)))
                                .compose(v -> request.response());
                    })
                    .compose(response -> {
                        assertEquals(HttpVersion.HTTP_2, response.version());
                        return response.body();
                    })
                    .map(Buffer::toString)
                    .toCompletionStage().toCompletableFuture().get(HANG.toSeconds(), TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    @Test
    void theRequestAfterAnUpstreamCrashedStartsItAgainInsteadOfFailing() throws Exception {
        // the wrapped server dies mid-stream; the shell that started it lives on, so the model still looks ready
        cutShort(post("/v1/chat/completions", Calls.chat("wrapped", true)));
        given().get("/running").then().body("running.model", hasItem("wrapped"));
        HttpResponse<String> next = HTTP1.send(Calls.chatRequest("wrapped", false), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, next.statusCode(), next.body());

        // a server that is the model's process itself: the request right after its death is served too
        cutShort(post("/v1/chat/completions", Calls.chat("dying", true)));
        HttpResponse<String> again = HTTP1.send(Calls.chatRequest("dying", false), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, again.statusCode(), again.body());
    }

    @Test
    void aRequestWhoseUpstreamDiesAsItArrivesIsAnsweredByTheRestartedOne() throws Exception {
        long first = Calls.pidOf(HTTP1.send(Calls.chatRequest("fragile", false), HttpResponse.BodyHandlers.ofString()));
        // the server halts as the second request arrives: modelswap loses the connection before any answer
        HttpResponse<String> second = HTTP1.send(Calls.chatRequest("fragile", false),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, second.statusCode(), second.body());
        assertTrue(Calls.pidOf(second) != first, "answered by a new instance: " + second.body());
    }

    @Test
    void moreConcurrentStreamsThanTheOldPoolCapAllReachTheUpstreamAtOnce() throws Exception {
        int port = MODELS.port("wide");
        given().contentType("application/json").body(Calls.chat("wide", false)).post("/v1/chat/completions")
                .then().statusCode(200);
        int streams = UpstreamTestResource.WIDE_STREAMS;
        List<CompletableFuture<HttpResponse<InputStream>>> calls = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            calls.add(HTTP1.sendAsync(Calls.chatRequest("wide", true), HttpResponse.BodyHandlers.ofInputStream()));
        }
        List<BufferedReader> readers = new ArrayList<>();
        try {
            // every stream holds its upstream connection: all of them are inside the upstream at the same time
            await().atMost(Duration.ofSeconds(60)).until(() -> holding(port) == streams);
            for (CompletableFuture<HttpResponse<InputStream>> call : calls) {
                HttpResponse<InputStream> response = Calls.join(call);
                assertEquals(200, response.statusCode());
                BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                        StandardCharsets.UTF_8));
                readers.add(reader);
                String first = Calls.readDataLine(reader);
                assertNotNull(first);
                assertTrue(first.contains("chat.completion.chunk"), first);
            }
        } finally {
            FakeUpstream.post(port, "/release");
        }
        for (BufferedReader reader : readers) {
            List<String> rest = Calls.dataLines(reader);
            assertEquals("data: [DONE]", rest.get(rest.size() - 1));
            reader.close();
        }
    }

    private static int holding(int port) {
        return new JsonObject(FakeUpstream.get(port, "/holding")).getInteger("holding");
    }
}
