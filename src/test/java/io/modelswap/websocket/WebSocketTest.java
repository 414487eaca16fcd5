package io.modelswap.websocket;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelswap.hostile.HostileInputTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Websockets through modelswap to a real websocket upstream process, on loopback. */
@QuarkusTest
@WithTestResource(HostileInputTestResource.class)
class WebSocketTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Client client;

    @BeforeEach
    void unloadEverything() {
        given().get("/unload").then().statusCode(200);
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.socket.abort();
        }
    }

    @Test
    void aWebsocketStartsItsModelAndRelaysTextAndLargeBinaryFramesBothWays() throws Exception {
        client = connect("/upstream/e/stream?session=7");
        assertEquals("connected /stream?session=7", client.next());

        client.socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello", client.next());

        byte[] large = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(large);
        for (int i = 0; i < 4; i++) {
            client.socket.sendBinary(ByteBuffer.wrap(large), true).get(30, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(large, (byte[]) client.nextMessage(), "binary message " + i + " came back intact");
        }
        // the open websocket is a request in flight: the model is neither swapped out nor unloaded by its TTL
        given().get("/api/ui/models").then().body("models.find { it.id == 'echo' }.in_flight", equalTo(1))
                .body("models.find { it.id == 'echo' }.state", equalTo("ready"));
    }

    @Test
    void anOpenWebsocketIsInFlightAndItsActivityRowAndAccessLineCarryItsBytesBothWays() throws Exception {
        client = connect("/upstream/echo/activity?n=1");
        String greeting = client.next();
        assertEquals("connected /activity?n=1", greeting);
        client.socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello", client.next());

        // in flight while open, with its frames' bytes so far
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/inflight").then()
                .body("requests.find { it.req_path == '/upstream/echo/activity' }.model", equalTo("echo"))
                .body("requests.find { it.req_path == '/upstream/echo/activity' }.req_bytes", equalTo(5))
                .body("requests.find { it.req_path == '/upstream/echo/activity' }.resp_bytes",
                        equalTo(greeting.length() + 5)));

        client.socket.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        assertEquals(1000, client.closes.poll(30, TimeUnit.SECONDS));

        // once closed: out of the in-flight list, a row with its duration and bytes both ways, an access line
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/inflight").then()
                .body("requests.findAll { it.req_path == '/upstream/echo/activity' }.size()", equalTo(0)));
        await().atMost(WAIT).untilAsserted(() -> {
            JsonPath row = given().get("/api/metrics/activity?model=echo").then().extract().jsonPath();
            String at = "data.find { it.req_path == '/upstream/echo/activity' }";
            assertEquals(101, row.getInt(at + ".resp_status_code"));
            assertEquals(5, row.getInt(at + ".websocket.bytes_in"));
            assertEquals(greeting.length() + 5, row.getInt(at + ".websocket.bytes_out"));
            assertEquals(true, row.getLong(at + ".duration_ms") >= 0);
        });
        await().atMost(WAIT).until(() -> given().get("/logs").asString()
                .contains("\"GET /upstream/echo/activity HTTP/1.1\" 101 " + (greeting.length() + 5) + " "));
    }

    @Test
    void aWebsocketCancelledThroughTheApiIsClosedOnBothSides() throws Exception {
        client = connect("/upstream/echo/cancel-me");
        client.next();
        String id = await().atMost(WAIT).until(() -> given().get("/api/inflight").then().extract().jsonPath()
                .getString("requests.find { it.req_path == '/upstream/echo/cancel-me' }.id"), v -> v != null);
        given().post("/api/inflight/" + id + "/cancel").then().statusCode(200);
        assertEquals(1001, client.closes.poll(30, TimeUnit.SECONDS));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(101, given().get("/api/metrics/activity?model=echo")
                .then().extract().jsonPath().getInt("data.find { it.req_path == '/upstream/echo/cancel-me' }"
                        + ".resp_status_code")));
    }

    @Test
    void aCloseFromTheClientClosesTheUpstreamWithTheSameStatus() throws Exception {
        client = connect("/upstream/echo/ws");
        client.next();
        client.socket.sendClose(4000, "bye").get(10, TimeUnit.SECONDS);
        assertEquals(4000, client.closes.poll(30, TimeUnit.SECONDS));
        await().atMost(WAIT).untilAsserted(() -> {
            JsonPath stats = upstreamStats("echo");
            assertEquals(0, stats.getInt("open"));
            assertEquals(4000, stats.getList("closes", Integer.class).get(stats.getList("closes").size() - 1));
        });
        // the lease is released with the connection
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/ui/models").then()
                .body("models.find { it.id == 'echo' }.in_flight", equalTo(0)));
    }

    @Test
    void aCloseFromTheUpstreamClosesTheClientWithItsStatusAndReason() throws Exception {
        client = connect("/upstream/echo/ws");
        client.next();
        client.socket.sendText("close-me", true);
        assertEquals(4001, client.closes.poll(30, TimeUnit.SECONDS));
        assertEquals("asked to close", client.reasons.poll(5, TimeUnit.SECONDS));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/ui/models").then()
                .body("models.find { it.id == 'echo' }.in_flight", equalTo(0)));
    }

    @Test
    void anUpstreamThatRefusesTheUpgradeIsAnsweredWithItsStatus() {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> connect("/upstream/echo/refuse"));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class,
                refused.getCause());
        assertEquals(403, handshake.getResponse().statusCode());
    }

    @Test
    void comfyUiIsServedUnderComfyuiAndOnlyItsRootStartsIt() throws Exception {
        given().redirects().follow(false).get("/comfyui").then().statusCode(301)
                .header("Location", equalTo("/comfyui/"));
        // a stale tab's websocket and API polls never load it (ignoreWebsockets, and only the root starts it)
        ExecutionException refused = assertThrows(ExecutionException.class, () -> connect("/comfyui/ws"));
        assertEquals(409, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
        given().get("/comfyui/api/queue").then().statusCode(409)
                .body("error.message", equalTo("model comfyui_auto is not loaded; only /comfyui/ can start it"));
        given().get("/running").then().body("running", equalTo(List.of()));

        given().get("/comfyui/").then().statusCode(200).body("path", equalTo("/"));
        client = connect("/comfyui/ws?clientId=1");
        assertEquals("connected /ws?clientId=1", client.next());
        client.socket.sendText("{\"type\":\"ping\"}", true);
        assertEquals("{\"type\":\"ping\"}", client.next());
        // an ignored websocket is not in flight
        given().get("/api/ui/models").then().body("models.find { it.id == 'comfyui_auto' }.in_flight", equalTo(0));
    }

    @Test
    void anIgnoredPathNeverStartsItsModelButIsServedOnceItRuns() {
        given().get("/upstream/echo/assets/app.js").then().statusCode(409)
                .body("error.message", equalTo("model echo is not loaded; path matches upstream.ignorePaths"));
        given().get("/running").then().body("running", equalTo(List.of()));
        given().get("/upstream/echo/").then().statusCode(200);
        given().get("/upstream/echo/assets/app.js").then().statusCode(200)
                .body("path", equalTo("/assets/app.js"));
        given().get("/running").then().body("running.model", hasItem("echo"));
    }

    private static JsonPath upstreamStats(String model) throws Exception {
        var response = HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + HostileInputTestResource.MODELS.port(model) + "/stats")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new JsonPath(response.body());
    }

    private static Client connect(String path) throws Exception {
        Client listener = new Client();
        listener.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://localhost:" + RestAssured.port + path), listener)
                .get(60, TimeUnit.SECONDS);
        return listener;
    }

    /** Collects whole messages (text as String, binary as byte[]) and the close the peer sent. */
    private static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> reasons = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        WebSocket socket;

        String next() throws InterruptedException {
            return (String) nextMessage();
        }

        Object nextMessage() throws InterruptedException {
            Object message = messages.poll(30, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message within 30 s");
            }
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closes.add(statusCode);
            reasons.add(reason);
            return null;
        }
    }
}
