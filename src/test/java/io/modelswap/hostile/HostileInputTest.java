package io.modelswap.hostile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.RawHttp;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issues 11 (points 3, 8, 9, 11) and 12 (points 6, 9, 10, 11): what a careless or hostile client sends gets an
 * answer, in the OpenAI envelope, promptly; requests written on raw sockets where a client library would not send
 * them.
 */
@QuarkusTest
@WithTestResource(HostileInputTestResource.class)
class HostileInputTest {

    private static final String CHAT = "{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static RawHttp.Response raw(String request) {
        return RawHttp.exchange(RestAssured.port, request, 10_000);
    }

    private static String post(String path, String contentType, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static void assertOpenAiError(RawHttp.Response response, int status, String code) {
        assertEquals(status, response.status(), response.toString());
        assertTrue(response.header("content-type").startsWith("application/json"), response.toString());
        JsonObject error = new JsonObject(response.body()).getJsonObject("error");
        assertEquals(code, error.getString("code"), response.toString());
        assertFalse(error.getString("message").isBlank());
    }

    // --- issue 11.8: no exception leaves a request unanswered -------------------------------------------------

    @Test
    void aFormBodyWithABadPercentEscapeIsA400() {
        RawHttp.Response response = raw(post("/v1/chat/completions", "application/x-www-form-urlencoded",
                "model=%zz"));
        assertOpenAiError(response, 400, "bad_request");
        assertTrue(response.body().contains("percent-encoding"), response.body());
    }

    @Test
    void aJsonStringOverJacksonsDefaultLimitIsRewrittenAndForwarded() {
        String big = "x".repeat(21_000_000); // Jackson refuses strings over 20 M characters by default
        String body = "{\"model\":\"rewritten\",\"temperature\":0.5,\"input\":\"" + big + "\"}";
        given().contentType("application/json").body(body).post("/v1/embeddings").then().statusCode(200)
                .body("model", equalTo("upstream-name"))
                .body("body_length", equalTo(body.length() - ",\"temperature\":0.5".length()
                        + "upstream-name".length() - "rewritten".length()));
    }

    @Test
    void aDuplicateModelKeyIsRefused() {
        given().contentType("application/json").body("{\"model\":\"alpha\",\"model\":\"nope\"}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.message", containsString("duplicate \"model\""));
    }

    // --- issue 12.11 and 11.11: JSON errors say what and where ---------------------------------------------

    @Test
    void malformedJsonSaysWhatAndWhereWithoutParserInternals() {
        String message = given().contentType("application/json")
                .body("{\"model\":\"alpha\",\"messages\":[1,2}").post("/v1/chat/completions").then()
                .statusCode(400).body("error.code", equalTo("bad_request")).extract().path("error.message");
        assertTrue(message.contains("line 1, column 33"), message); // the '}' that should have been a ']'

        assertTrue(message.contains("expected ']'"), message);
        assertFalse(message.contains("Source") || message.contains("REDACTED") || message.contains("StreamRead"),
                message);
    }

    @Test
    void jsonLimitsAreNamedForWhatTheyAre() {
        String deep = "{\"model\":\"alpha\",\"a\":" + "[".repeat(1500) + "]".repeat(1500) + "}";
        given().contentType("application/json").body(deep).post("/v1/chat/completions").then().statusCode(400)
                .body("error.message", containsString("nested deeper than 1000 levels"))
                .body("error.message", not(containsString("UTF-8")));
        String longNumber = "{\"model\":\"alpha\",\"n\":" + "1".repeat(2000) + "}";
        given().contentType("application/json").body(longNumber).post("/v1/chat/completions").then().statusCode(400)
                .body("error.message", containsString("number longer than 1000"))
                .body("error.message", not(containsString("UTF-8")));
    }

    // --- issue 12.6: JSON whatever the content type --------------------------------------------------------

    @Test
    void aJsonBodyIsRoutedAndForwardedUnchangedWhateverItsContentType() {
        String body = "{\"model\":\"alpha\",\"input\":\"hello\"}";
        for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded"}) {
            RawHttp.Response response = raw(post("/v1/embeddings", type, body));
            assertEquals(200, response.status(), type + ": " + response);
            JsonObject echo = new JsonObject(response.body());
            assertEquals("alpha", echo.getString("model_name"), type);
            assertEquals(FakeUpstream.sha256(body), echo.getString("body_sha256"), type);
        }
        // a real form is still a form
        RawHttp.Response form = raw(post("/v1/embeddings", "application/x-www-form-urlencoded", "model=alpha&x=1"));
        assertEquals(200, form.status(), form.toString());
    }

    // --- issue 12.9 / 12.10: every error in the envelope, one code for an unknown model ----------------------

    @Test
    void wrongMethodsAre405WithAllowInTheEnvelope() {
        String[][] cases = {
            {"POST", "/unload", "GET"},
            {"GET", "/api/models/unload/alpha", "POST"},
            {"DELETE", "/v1/models", "GET"},
            {"GET", "/v1/chat/completions", "POST"},
            {"PUT", "/api/models/load/alpha", "POST"}};
        for (String[] c : cases) {
            RawHttp.Response response = raw(c[0] + " " + c[1] + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n");
            assertOpenAiError(response, 405, "method_not_allowed");
            assertTrue(response.header("allow") != null && response.header("allow").contains(c[2]),
                    c[0] + " " + c[1] + ": " + response);
        }
    }

    @Test
    void anUnknownModelIsModelNotFoundOnEveryRoute() {
        given().contentType("application/json").body("{\"model\":\"nope\"}").post("/v1/chat/completions").then()
                .statusCode(404).body("error.code", equalTo("model_not_found"));
        given().get("/props?model=nope").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        given().post("/api/models/load/nope").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        given().post("/api/models/unload/nope").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"));
        given().contentType("application/json").body("{\"model\":\"nope\"}").post("/models/load").then()
                .statusCode(404).body("error.code", equalTo("model_not_found"));
        given().contentType("application/json").body("{\"model\":\"nope\"}").post("/models/unload").then()
                .statusCode(404).body("error.code", equalTo("model_not_found"));
        given().get("/upstream/nope/health").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        given().contentType("application/json").body("{\"models\":[\"nope\"]}").post("/engines/unload").then()
                .statusCode(404).body("error.code", equalTo("model_not_found"));
        // Ollama's clients read "error" as a string: its shape stays, the code rides along
        given().contentType("application/json").body("{\"model\":\"nope\",\"keep_alive\":0}").post("/api/generate")
                .then().statusCode(404).body("error", containsString("nope")).body("code", equalTo("model_not_found"));
    }

    @Test
    void aBodyWithBrokenChunkedFramingIsAnOpenAiStyle400() {
        for (String path : new String[] {"/v1/chat/completions", "/models/load"}) {
            RawHttp.Response response = raw("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
            assertOpenAiError(response, 400, "bad_request");
            assertTrue(response.body().contains("framing"), response.body());
        }
    }

    @Test
    void requestsTheHttpDecoderRefusesGetTheEnvelopeToo() {
        assertOpenAiError(raw("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "x".repeat(70 * 1024)
                + "\r\n\r\n"), 431, "request_header_fields_too_large");
        assertOpenAiError(raw("GET /" + "x".repeat(5_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"), 414,
                "uri_too_long");
    }

    @Test
    void aRequestWithoutHostIsAnOpenAiStyle400() {
        RawHttp.Response response = raw("GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertOpenAiError(response, 400, "bad_request");
        assertTrue(response.body().contains("Host"), response.body());
    }

    // --- issue 11.11: management bodies over the limit, IDs percent-decoded ----------------------------------

    @Test
    void aManagementBodyOverTheLimitIs413() {
        String big = "{\"model\":\"alpha\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
        assertOpenAiError(raw(post("/models/load", "application/json", big)), 413, "request_too_large");
        // not announced (chunked): refused once it passes the limit
        String chunk = Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n";
        assertOpenAiError(raw("POST /engines/unload HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk), 413,
                "request_too_large");
    }

    @Test
    void modelIdsInLoadAndLogPathsArePercentDecoded() {
        given().urlEncodingEnabled(false).post("/api/models/load/al%70ha").then().statusCode(200)
                .body("msg", equalTo("ok"));
        RawHttp.Response logs = RawHttp.exchange(RestAssured.port,
                "GET /logs/stream/al%70ha HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 1_000);
        assertEquals(200, logs.status(), logs.toString());
    }

    // --- issue 11.11: a loading stream never carries raw non-SSE bytes -------------------------------------

    @Test
    void aNonStreamingAnswerInsideALoadingStreamBecomesOneEvent() {
        given().get("/unload").then().statusCode(200);
        String body = given().contentType("application/json")
                .body("{\"model\":\"unstreamed\",\"stream\":true,\"messages\":[]}").post("/v1/chat/completions")
                .then().statusCode(200).extract().asString();
        List<String> lines = body.lines().filter(l -> !l.isEmpty()).toList();
        for (String line : lines) {
            assertTrue(line.startsWith("data: "), "every line of the stream is an event: " + body);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"object\":\"chat.completion\"")), body);
        assertEquals("data: [DONE]", lines.get(lines.size() - 1), body);
    }

    // --- issue 11.3: multipart in linear time, boundary bounded, the model from a field ------------------

    @Test
    void aMultipartBoundaryOverSeventyCharactersIsRefused() {
        String boundary = "b".repeat(71);
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nalpha\r\n--"
                + boundary + "--\r\n";
        RawHttp.Response response = raw(post("/v1/audio/transcriptions", "multipart/form-data; boundary=" + boundary,
                body));
        assertOpenAiError(response, 400, "bad_request");
        assertTrue(response.body().contains("70"), response.body());
    }

    @Test
    void slowMultipartBodiesNeverHoldUpOtherRequests() throws Exception {
        // 8 MB of near-misses against a 10,000-dash boundary: a naive search does ~5,000 comparisons per byte,
        // tens of seconds of one event loop per body (the old parser timed out this very /health call)
        String boundary = "-".repeat(10_000);
        String body = ("-".repeat(10_001) + "x").repeat(800);
        List<CompletableFuture<RawHttp.Response>> attacks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            attacks.add(CompletableFuture.supplyAsync(() -> RawHttp.exchange(RestAssured.port,
                    post("/v1/audio/transcriptions", "multipart/form-data; boundary=" + boundary, body), 120_000)));
        }
        long started = System.nanoTime();
        given().get("/health").then().statusCode(200);
        long healthMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        for (CompletableFuture<RawHttp.Response> attack : attacks) {
            assertEquals(400, attack.get(60, TimeUnit.SECONDS).status());
        }
        // generous for a loaded machine; a blocked event loop takes far longer
        assertTrue(healthMillis < 10_000, "/health took " + healthMillis + " ms while multipart bodies were parsed");
    }

    @Test
    void aFilePartNamedModelIsNotTheModelField() {
        String body = "--b\r\nContent-Disposition: form-data; name=\"model\"; filename=\"model.txt\"\r\n\r\nalpha\r\n"
                + "--b--\r\n";
        RawHttp.Response response = raw(post("/v1/audio/transcriptions", "multipart/form-data; boundary=b", body));
        assertOpenAiError(response, 400, "bad_request");
        assertTrue(response.body().contains("no model id"), response.body());
    }

    // --- issue 11.9: Expect: 100-continue ------------------------------------------------------------------

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        assertContinueThenAnswer("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\n", CHAT, 200);
        assertContinueThenAnswer("POST /upstream/alpha/echo/x HTTP/1.1\r\nHost: localhost\r\n", CHAT, 200);
        assertContinueThenAnswer("POST /models/load HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\n", "{\"model\":\"alpha\"}", 200);
    }

    @Test
    void expectContinueWithATooLargeBodyIsRefusedWithoutAskingForIt() {
        RawHttp.Response response = raw("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 999999999\r\nExpect: 100-continue\r\n\r\n");
        assertOpenAiError(response, 413, "request_too_large");
    }

    private static void assertContinueThenAnswer(String head, String body, int status) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write((head + "Content-Length: " + body.length() + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.setSoTimeout(5_000); // curl waits 1 s; anything near that means nobody answered
            RawHttp.Response interim = RawHttp.read(in);
            assertEquals(100, interim.status(), head + " -> " + interim);
            socket.setSoTimeout(30_000);
            out.write(body.getBytes(StandardCharsets.UTF_8));
            out.flush();
            RawHttp.Response response = RawHttp.read(in);
            assertEquals(status, response.status(), head + " -> " + response);
        }
    }

    static ValidatableResponse chat(String model) {
        return given().contentType("application/json").body(CHAT.replace("alpha", model))
                .post("/v1/chat/completions").then();
    }
}
