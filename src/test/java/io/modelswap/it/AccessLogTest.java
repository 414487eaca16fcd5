package io.modelswap.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The access log (issue 19, point 8): one line per request in the proxy log, in llama-swap's field order, read back
 * through {@code GET /logs}. Each request carries a User-Agent of its own, so each test finds its own line.
 */
@QuarkusTest
@WithTestResource(AccessLogTestResource.class)
class AccessLogTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static String agent() {
        return "access-test/" + UUID.randomUUID();
    }

    private static HttpRequest chat(String model, boolean stream, String agent) {
        return HttpRequest.newBuilder(Calls.uri("/v1/chat/completions")).timeout(Calls.CALL_TIMEOUT)
                .header("Content-Type", "application/json").header("User-Agent", agent)
                .POST(HttpRequest.BodyPublishers.ofString(Calls.chat(model, stream))).build();
    }

    /** The access line of the request sent with {@code agent}, once it is in the proxy log. */
    private static Matcher lineOf(String agent) {
        // as the proxy log writes every line: its time of day to the millisecond, level and logger, then llama-swap's
        Pattern line = Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO \\[AccessLog\\] "
                + "Request (\\S+) \"(\\S+) (\\S+) (HTTP/\\S+)\" (\\d{3}) (\\d+) \"" + Pattern.quote(agent)
                + "\" (\\S+)( model=(\\S+))?$", Pattern.MULTILINE);
        Matcher[] found = new Matcher[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Matcher m = line.matcher(given().get("/logs").asString());
            if (m.find()) {
                found[0] = m;
                return true;
            }
            return false;
        });
        return found[0];
    }

    @Test
    void aCompletedRequestIsOneLineWithItsModelStatusBytesAndDuration() throws Exception {
        String agent = agent();
        HttpResponse<String> answer = HTTP.send(chat("plain", false, agent), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());

        Matcher line = lineOf(agent);
        assertEquals("127.0.0.1", line.group(1));
        assertEquals("POST", line.group(2));
        assertEquals("/v1/chat/completions", line.group(3));
        assertEquals("HTTP/1.1", line.group(4));
        assertEquals("200", line.group(5));
        assertEquals(answer.body().getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(line.group(6)));
        assertTrue(line.group(7).matches("[0-9.]+(ns|µs|ms|s)"), "a duration as Go spells it: " + line.group(7));
        assertEquals("plain", line.group(9));
        String logs = given().get("/logs").asString();
        assertEquals(logs.indexOf(agent), logs.lastIndexOf(agent), "one line per request:\n" + logs);
    }

    @Test
    void aClientHangingUpMidStreamIsLoggedAs499() throws Exception {
        String agent = agent();
        HttpResponse<InputStream> answer = HTTP.send(chat("held", true, agent),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, answer.statusCode());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            assertTrue(Calls.readDataLine(lines).contains("chat.completion.chunk"));
        } // closing the body hangs up mid-stream

        Matcher line = lineOf(agent);
        assertEquals("499", line.group(5), line.group());
        assertTrue(Long.parseLong(line.group(6)) > 0, "the bytes the client got before it left: " + line.group());
        assertEquals("held", line.group(9));
        FakeUpstream.post(AccessLogTestResource.MODELS.port("held"), "/release");
    }

    @Test
    void clientsThatResetTheirConnectionsTogetherMidStreamAreEach499NeverAnUpstreamFailure() throws Exception {
        // A reset reaches modelswap's next write to the client before Vert.x marks the response closed; that write
        // failure once passed for the upstream breaking off (a 502 row, and a 200 access line for the head sent).
        String run = "storm-" + UUID.randomUUID() + "/";
        int clients = 60;
        byte[] body = Calls.chat("ticking", true).getBytes(StandardCharsets.UTF_8);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                Socket socket = new Socket("127.0.0.1", Calls.uri("/").getPort());
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: modelswap\r\nUser-Agent: " + run + i
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                sockets.add(socket);
            }
            for (Socket socket : sockets) {
                assertTrue(socket.getInputStream().read(new byte[4096]) > 0, "the stream began");
            }
        } finally {
            for (Socket socket : sockets) {
                socket.setSoLinger(true, 0); // close with a reset, as a killed client or a dropped tab does
            }
            for (Socket socket : sockets) {
                socket.close();
            }
        }

        Pattern line = Pattern.compile("\"" + Pattern.quote(run) + "\\d+\" \\S+ model=ticking$", Pattern.MULTILINE);
        Pattern status = Pattern.compile("HTTP/1.1\" (\\d{3}) \\d+ \"" + Pattern.quote(run));
        await().atMost(Duration.ofSeconds(30)).until(() -> line.matcher(given().get("/logs").asString()).results()
                .count() == clients);
        Map<String, Long> statuses = status.matcher(given().get("/logs").asString()).results()
                .collect(Collectors.groupingBy(m -> m.group(1), Collectors.counting()));
        assertEquals(Map.of("499", (long) clients), statuses, "every client hung up");
        List<Integer> rows = given().queryParam("model", "ticking").queryParam("limit", 100)
                .get("/api/metrics/activity").jsonPath().getList("data.resp_status_code");
        assertEquals(clients, rows.size(), "a row per client");
        assertFalse(rows.contains(502), "a hang-up filed as the upstream breaking off: " + rows);
    }

    @Test
    void anUpstreamCutMidStreamIsLoggedAsWhatTheClientSaw() throws Exception {
        String agent = agent();
        HttpResponse<InputStream> answer = HTTP.send(chat("dying", true, agent),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, answer.statusCode());
        long received = 0;
        try (InputStream body = answer.body()) {
            byte[] chunk = new byte[8192];
            for (int n = body.read(chunk); n >= 0; n = body.read(chunk)) {
                received += n;
            }
        } catch (IOException cut) {
            // a reset connection is how a broken stream may end
        }

        Matcher line = lineOf(agent);
        // the client got a 200 head and a body that broke off: that is what it saw, not the 499 of a hang-up
        assertEquals("200", line.group(5), line.group());
        assertEquals(received, Long.parseLong(line.group(6)), line.group());
        assertEquals("dying", line.group(9));
    }

    @Test
    void aManagementRequestIsLoggedWithoutAModelAsLlamaSwapDoes() throws Exception {
        String agent = agent();
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(Calls.uri("/running?x=secret"))
                .header("User-Agent", agent).header("X-Forwarded-For", "203.0.113.7, 10.0.0.1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());

        Matcher line = lineOf(agent);
        assertEquals("203.0.113.7", line.group(1), "the first X-Forwarded-For, as llama-swap logs it");
        assertEquals("GET", line.group(2));
        assertEquals("/running", line.group(3), "the path without its query string");
        assertEquals("200", line.group(5));
        assertFalse(line.group().contains("model="), line.group());
    }

    @Test
    void aForgedUserAgentCannotStartALineOfItsOwn() throws Exception {
        String agent = agent();
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(Calls.uri("/running"))
                .header("User-Agent", agent + "\" 200 1 \"x").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        await().atMost(Duration.ofSeconds(20)).until(() ->
                given().get("/logs").asString().contains(agent + "\\\" 200 1 \\\"x\""));
    }
}
