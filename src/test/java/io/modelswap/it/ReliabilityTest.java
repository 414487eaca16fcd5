package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.process.ProcessState;
import io.modelswap.router.Router;
import io.modelswap.router.scheduler.SchedulerSnapshot;
import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * Bad input, failed starts and timeouts, end to end: each gets its documented status and OpenAI-style error
 * ({@code docs/reliability.md}), and a model that was ready keeps running (same pid) through all of it.
 */
@QuarkusTest
@WithTestResource(ReliabilityTestResource.class)
class ReliabilityTest {

    @Inject
    Router router;

    private static final TestConfig MODELS = ReliabilityTestResource.MODELS;

    private static ValidatableResponse post(String model) {
        return given().contentType("application/json").body(Calls.chat(model, false))
                .post("/v1/chat/completions").then();
    }

    private static long keeperPid() {
        post("keeper").statusCode(200);
        return FakeUpstream.pidsOf(MODELS.port("keeper")).get(0);
    }

    private static void assertKeeperStillServes(long pid) {
        post("keeper").statusCode(200).body("choices[0].message.content", containsString("keeper answered"));
        assertEquals(pid, FakeUpstream.pidsOf(MODELS.port("keeper")).get(0), "keeper was restarted");
        given().get("/running").then().body("running.model", hasItem("keeper"));
    }

    private static ValidatableResponse openAiError(ValidatableResponse response, int status, String code) {
        return response.statusCode(status).contentType("application/json")
                .body("error.code", equalTo(code))
                .body("error.type", equalTo(status < 500 ? "invalid_request_error" : "server_error"));
    }

    @Test
    void badRequestsGetOpenAiErrorsAndTheReadyModelKeepsRunning() throws Exception {
        long pid = keeperPid();
        openAiError(given().contentType("application/json").body("{\"messages\":[]}")
                .post("/v1/chat/completions").then(), 400, "bad_request")
                .body("error.message", containsString("no model id"));
        openAiError(given().contentType("application/json").body("{\"model\":42}")
                .post("/v1/chat/completions").then(), 400, "bad_request")
                .body("error.message", containsString("\"model\" must be a string"));
        byte[] invalidUtf8 = "{\"model\":\"keeper\",\"messages\":[{\"content\":\"\u0001\u0002\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        invalidUtf8[invalidUtf8.length - 6] = (byte) 0xC3;
        invalidUtf8[invalidUtf8.length - 5] = (byte) 0x28;
        openAiError(given().contentType("application/json").body(invalidUtf8)
                .post("/v1/chat/completions").then(), 400, "bad_request")
                .body("error.message", containsString("UTF-8"));
        openAiError(given().contentType("text/plain").body("model is keeper")
                .post("/v1/chat/completions").then(), 415, "unsupported_media_type")
                .body("error.message", containsString("text/plain"));
        openAiError(given().get("/v1/nope").then(), 404, "not_found")
                .body("error.message", containsString("/v1/nope"));
        openAiError(given().contentType("application/json").body("{}").post("/nope").then(), 404, "not_found")
                .body("error.message", containsString("/nope"));
        openAiError(given().urlEncodingEnabled(false).get("/upstream/keeper/../sleepy/health").then(),
                400, "bad_request");
        openAiError(given().urlEncodingEnabled(false).get("/upstream/keeper%2F..%2Fsleepy/health").then(),
                400, "bad_request");
        openAiError(given().urlEncodingEnabled(false).get("/upstream/..%2Fkeeper/health").then(),
                400, "bad_request");
        openAiError(given().contentType("application/json").body("{\"model\":\"keeper\",\"pad\":\""
                + "x".repeat(1_100_000) + "\"}").post("/v1/chat/completions").then(), 413, "request_too_large");
        openAiError(given().header("X-Big", "x".repeat(21 * 1024)).get("/v1/models").then(), 431,
                "request_header_fields_too_large").body("error.message", containsString("max-header-size"));
        // beyond the HTTP decoder's own limit the answer is still a 431, without a body
        assertEquals(431, statusOfRawRequest("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                + "x".repeat(70 * 1024) + "\r\n\r\n"));
        assertKeeperStillServes(pid);
    }

    @Test
    void anUpstreamWhosePortIsTakenFailsOnceWithA502AndIsNotRetried() throws Exception {
        long pid = keeperPid();
        Files.deleteIfExists(ReliabilityTestResource.BUSY_STARTS);
        try (ServerSocket squatter = new ServerSocket(MODELS.port("busy"), 50, InetAddress.getLoopbackAddress())) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                openAiError(post("busy"), 502, "upstream_start_failed")
                        .body("error.message", containsString("model busy exited with code"))
                        .body("error.message", containsString("while starting"));
                assertEquals(attempt, starts(), "one start per request");
            }
            // nothing starts it again on its own: no request waits for it, no swap to it is under way, and its owner
            // is stopped with nobody waiting for it (a start happens only for one of those)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                SchedulerSnapshot.ModelLoad load = router.snapshot().toCompletionStage().toCompletableFuture()
                        .get(5, TimeUnit.SECONDS).models().get("busy");
                assertTrue(load == null || (load.queued() == 0 && load.waiting() == 0 && load.admitted() == 0
                        && !load.swapping()), String.valueOf(load));
                assertEquals(ProcessState.STOPPED, router.view().processes().get("busy").state());
            });
            assertEquals(2, starts(), "no retry without a request");
        }
        given().get("/running").then().body("running.model", org.hamcrest.Matchers.not(hasItem("busy")));
        assertKeeperStillServes(pid);
    }

    @Test
    void aCommandThatDoesNotExistIsA502NamingTheModelAndTheCommand() {
        openAiError(post("missing"), 502, "upstream_start_failed")
                .body("error.message", containsString("model missing could not be started"))
                .body("error.message", containsString("/nonexistent/llama-server"));
    }

    @Test
    void aCommandThatExitsZeroAtOnceIsA502() {
        openAiError(post("quitter"), 502, "upstream_start_failed")
                .body("error.message", containsString("model quitter exited with code 0 while starting"));
    }

    @Test
    void anUpstreamThatNeverAnswersIsCutOffByItsResponseHeaderTimeout() {
        long started = System.nanoTime();
        openAiError(post("mute"), 504, "gateway_timeout")
                .body("error.message", containsString("timeouts.responseHeader"));
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertTrue(seconds < 10, "answered after " + seconds + "s");
        // the model stays loaded: a slow answer is not a dead server
        given().get("/running").then().body("running.model", hasItem("mute"));
    }

    @Test
    void aStartIsBoundedByHealthCheckTimeout() {
        long started = System.nanoTime();
        openAiError(post("sleepy"), 504, "upstream_start_timeout")
                .body("error.message", containsString("model sleepy was not ready after 15s"));
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertTrue(seconds >= 14 && seconds < 25, "answered after " + seconds + "s");
        // the failed start's process is stopped right after the answer (SIGTERM, 5 s grace at most)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/running")
                .then().body("running.model", org.hamcrest.Matchers.not(hasItem("sleepy"))));
    }

    private static long starts() throws Exception {
        return Files.exists(ReliabilityTestResource.BUSY_STARTS)
                ? Files.readAllLines(ReliabilityTestResource.BUSY_STARTS).size() : 0;
    }

    /** Sends raw bytes (a client library would refuse or rewrite them) and returns the status code. */
    static int statusOfRawRequest(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                head.write(b);
            }
            String status = head.toString(StandardCharsets.ISO_8859_1);
            return Integer.parseInt(List.of(status.split(" ")).get(1));
        }
    }
}
