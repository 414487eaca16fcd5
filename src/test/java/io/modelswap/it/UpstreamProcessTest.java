package io.modelswap.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a model's process tree and port are: everything its command starts is stopped with it, even what it
 * double-forked away, a server that is not the model's never serves it, and a failed start says why in the lines
 * that matter.
 */
@QuarkusTest
@WithTestResource(UpstreamTestResource.class)
class UpstreamProcessTest {

    private static final TestConfig MODELS = UpstreamTestResource.MODELS;
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @BeforeEach
    void unloadEverything() {
        given().get("/unload").then().statusCode(200);
    }

    private static ValidatableResponse chat(String model) {
        return given().contentType("application/json").body(Calls.chat(model, false))
                .post("/v1/chat/completions").then();
    }

    @Test
    void aServerDoubleForkedByTheCommandIsStoppedWithTheModel() {
        chat("forker").statusCode(200).body("choices[0].message.content", containsString("forker answered"));
        // the server is no descendant of the command modelswap started: the shell forked it away and went on
        long server = FakeUpstream.pidsOf(MODELS.port("forker")).get(0);
        assertTrue(FakeUpstream.alive(server));

        given().post("/api/models/unload/forker").then().statusCode(200);
        assertFalse(FakeUpstream.alive(server), "the double-forked server " + server + " outlived its model");

        // its port is free again: the next start is served by a server of its own, not by a leftover
        long next = Calls.pidOf(Calls.chatNow("forker"));
        assertNotEquals(server, next);
    }

    @Test
    void aServerThatIsNotTheModelsOnItsPortFailsTheStartNamingIt() throws Exception {
        int port = MODELS.port("squatted");
        Process squatter = new ProcessBuilder(List.of("sh", "-c", "exec " + TestConfig.fake("--port",
                Integer.toString(port), "--model-name", "squatter"))).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            await().atMost(PATIENCE).ignoreExceptions()
                    .until(() -> FakeUpstream.get(port, "/health").contains("ok"));
            // squatted starts slowly; the squatter answers its health check at once, and must not serve it
            chat("squatted").statusCode(502).contentType("application/json")
                    .body("error.code", equalTo("upstream_start_failed"))
                    .body("error.message", containsString("port " + port + " is held by pid " + squatter.pid()))
                    .body("error.message", containsString("squatter"));
            given().get("/running").then().body("running.model", not(hasItem("squatted")));
            assertTrue(squatter.isAlive(), "someone else's server is not modelswap's to stop");
        } finally {
            squatter.destroyForcibly();
            squatter.waitFor();
        }
    }

    @Test
    void aJvmThatCannotBindNamesTheBindExceptionAboveItsStackFrames() throws IOException {
        try (ServerSocket taken = new ServerSocket(MODELS.port("jvmbind"), 50, InetAddress.getLoopbackAddress())) {
            // the JVM prints its log lines, then "Exception in thread main java.net.BindException: Address already
            // in use" and a dozen "at ..." frames: more lines than the message quotes
            chat("jvmbind").statusCode(502)
                    .body("error.code", equalTo("upstream_start_failed"))
                    .body("error.message", containsString("java.net.BindException: Address already in use"))
                    .body("error.message", containsString("log line 3 of 3"))
                    .body("error.message", not(containsString("\tat ")));
            assertTrue(taken.isBound());
        }
    }
}
