package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, peers: two packaged modelswaps on loopback, a front whose peers are a back modelswap (fake upstreams
 * behind it, its own API key) and a fake OpenAI-compatible service that refuses any key but the one the peer
 * configuration injects. Everything a client sees goes through the front only.
 */
class PeersIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String FRONT_KEY = "front-key";
    private static final String BACK_KEY = "back-key";
    private static final String OPENAI_KEY = "sk-openai-test";

    private static final List<Process> services = new ArrayList<>();
    private static PackagedApp back;
    private static PackagedApp front;
    private static TestConfig backModels;

    @BeforeAll
    static void start() throws Exception {
        backModels = TestConfig.models().healthCheckTimeout(30).globals("apiKeys: [" + BACK_KEY + "]")
                .model("m1", "")
                .model("m2", "")
                .model("held", "--hold-after 2 --token-delay-ms 1")
                .model("dying", "--die-mid-stream 2 --token-delay-ms 1");
        back = PackagedApp.start(backModels.write(), FakeUpstream.freePort());

        int openaiPort = FakeUpstream.freePort();
        services.add(service(openaiPort, "--model-name", "gpt-x", "--require-key", OPENAI_KEY));
        int silentPort = FakeUpstream.freePort();
        services.add(service(silentPort, "--never-answer"));
        int nobodyPort = FakeUpstream.freePort();

        TestConfig frontModels = TestConfig.models().healthCheckTimeout(30).globals("apiKeys: [" + FRONT_KEY + "]")
                .model("m2", "") // a local model shadows the peer's bare m2
                .model("broken", "--exit-at-start 1");
        String yaml = frontModels.yaml() + """
                peers:
                  back:
                    proxy: http://127.0.0.1:%d
                    apiKey: %s
                    models: [m1, m2, held, dying]
                  openai:
                    proxy: http://127.0.0.1:%d/
                    apiKey: %s
                    models: [gpt-x]
                  gone:
                    proxy: http://127.0.0.1:%d
                    models: [ghost]
                  silent:
                    proxy: http://127.0.0.1:%d
                    models: [slow]
                    timeouts:
                      responseHeader: 1
                selectors:
                  fo-start:
                    strategy: failover
                    targets: [broken, back/m1]
                  fo-unreachable:
                    strategy: failover
                    targets: [gone/ghost, back/m1]
                  fo-silent:
                    strategy: failover
                    targets: [silent/slow, back/m1]
                    settings:
                      backoff: 0
                  fo-late:
                    strategy: failover
                    targets: [back/dying, back/m1]
                """.formatted(back.port(), BACK_KEY, openaiPort, OPENAI_KEY, nobodyPort, silentPort);
        Path config = Files.createTempDirectory("modelswap-front").resolve("config.yaml");
        Files.writeString(config, yaml);
        front = PackagedApp.start(config, FakeUpstream.freePort());
        for (Process service : services) {
            assertTrue(service.isAlive(), "a fake service exited at start");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (front != null) {
            front.close();
        }
        if (back != null) {
            back.close();
        }
        for (Process service : services) {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The fake upstream on its own, as a remote service, healthy before this returns. */
    private static Process service(int port, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(FakeUpstream.command().trim().split(" ")));
        command.addAll(List.of("--port", Integer.toString(port)));
        command.addAll(List.of(flags));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            FakeUpstream.get(port, "/health");
            return true;
        });
        return process;
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + FRONT_KEY);
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chat(String model) throws Exception {
        return post("/v1/chat/completions", "application/json", "{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static String answer(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getString("content");
    }

    @Test
    void anFqnReachesThePeerAsThePeersOwnModelIdWithThePeersKey() throws Exception {
        HttpResponse<String> response = chat("back/m1");
        assertEquals(200, response.statusCode(), response.body());
        // the back modelswap accepted BACK_KEY (it refuses FRONT_KEY) and its model saw its own ID
        assertTrue(answer(response).startsWith("m1 answered: received model=m1 "), response.body());
    }

    @Test
    void aBareNameOnlyOnePeerListsIsRoutedAndALocalModelWinsOverAPeersBareName() throws Exception {
        HttpResponse<String> bare = chat("m1");
        assertEquals(200, bare.statusCode(), bare.body());
        assertTrue(answer(bare).startsWith("m1 answered: received model=m1 "), bare.body());

        HttpResponse<String> local = chat("m2");
        assertEquals(200, local.statusCode(), local.body());
        String running = HTTP.send(request("/running").GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(running.contains("\"m2\""), "bare m2 is the front's own model: " + running);

        HttpResponse<String> remote = chat("back/m2");
        assertEquals(200, remote.statusCode(), remote.body());
        assertTrue(answer(remote).startsWith("m2 answered: received model=m2 "), remote.body());
    }

    @Test
    void theClientsKeyNeverLeavesTheBoxAndThePeersKeyIsInjected() throws Exception {
        HttpResponse<String> response = post("/v1/completions", "application/json",
                "{\"model\":\"openai/gpt-x\",\"prompt\":\"hi\"}");
        assertEquals(200, response.statusCode(), response.body());
        JsonObject echo = new JsonObject(response.body());
        assertEquals("Bearer " + OPENAI_KEY, echo.getString("authorization"));
        assertEquals(OPENAI_KEY, echo.getString("x_api_key"));
        assertEquals("gpt-x", echo.getString("model"));
        assertFalse(response.body().contains(FRONT_KEY), response.body());
    }

    @Test
    void formsAndQueriesAreRewrittenToThePeersModelId() throws Exception {
        HttpResponse<String> urlEncoded = post("/v1/completions", "application/x-www-form-urlencoded",
                "prompt=hi&model=openai%2Fgpt-x&n=1");
        assertEquals(200, urlEncoded.statusCode(), urlEncoded.body());
        assertEquals("gpt-x", new JsonObject(urlEncoded.body()).getString("model"), urlEncoded.body());

        String boundary = "----modelswapboundary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nopenai/gpt-x\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\nRIFF....\r\n--" + boundary + "--\r\n";
        HttpResponse<String> form = post("/v1/audio/transcriptions", "multipart/form-data; boundary=" + boundary,
                multipart);
        assertEquals(200, form.statusCode(), form.body());
        assertEquals("gpt-x", new JsonObject(form.body()).getString("model"), form.body());

        HttpResponse<String> upstream = HTTP.send(request("/upstream/openai/gpt-x/echo/a%20b?x=1").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        // a peer routes /upstream/ itself: the path names the model by the peer's own ID (this fake has no such
        // route, and says which path it got)
        assertEquals(404, upstream.statusCode(), upstream.body());
        assertTrue(upstream.body().contains("no route GET /upstream/gpt-x/echo/a b"), upstream.body());
    }

    @Test
    void anUpstreamPathThroughAPeerModelswapReachesItsModel() throws Exception {
        HttpResponse<String> response = HTTP.send(request("/upstream/back/m1/echo/x").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject echo = new JsonObject(response.body());
        assertEquals("m1", echo.getString("model_name"));
        assertEquals("/echo/x", echo.getString("path"));
    }

    @Test
    void aStreamPassesChunkByChunk() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(request("/v1/chat/completions")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"back/held\",\"stream\":true,\"messages\":[]}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            int chunks = 0;
            while (chunks < 2) {
                String line = reader.readLine();
                if (line != null && line.startsWith("data: ")) {
                    chunks++;
                }
            }
            // two chunks arrived through both modelswaps while the upstream holds the rest of its answer
            assertEquals(1, new JsonObject(FakeUpstream.get(backModels.port("held"), "/holding")).getInteger(
                    "holding"));
            FakeUpstream.post(backModels.port("held"), "/release");
            StringBuilder rest = new StringBuilder();
            for (String line; (line = reader.readLine()) != null; ) {
                rest.append(line).append('\n');
            }
            assertTrue(rest.toString().contains("data: [DONE]"), rest.toString());
        }
    }

    @Test
    void aStreamThePeerBreaksOffIsCutNotEndedCleanly() throws Exception {
        HttpRequest dying = request("/v1/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"back/dying\",\"stream\":true,\"messages\":[]}")).build();
        IOException cut = assertThrows(IOException.class, () -> HTTP.send(dying,
                HttpResponse.BodyHandlers.ofString()));
        assertTrue(cut.getMessage() != null, String.valueOf(cut));
    }

    @Test
    void anUnreachablePeerIs502PeerProxyErrorWithTheCause() throws Exception {
        HttpResponse<String> response = chat("gone/ghost");
        assertEquals(502, response.statusCode(), response.body());
        String message = new JsonObject(response.body()).getJsonObject("error").getString("message");
        assertTrue(message.startsWith("peer proxy error: "), message);
        assertTrue(message.toLowerCase().contains("refused"), message);
    }

    @Test
    void aPeerSilentPastResponseHeaderIs504() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = chat("silent/slow");
        assertEquals(504, response.statusCode(), response.body());
        assertTrue(response.body().contains("timeouts.responseHeader"), response.body());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20));
    }

    @Test
    void modelsListsPeerFqnsAndRunningDoesNot() throws Exception {
        chat("back/m1");
        JsonArray data = new JsonObject(HTTP.send(request("/v1/models").GET().build(),
                HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("data");
        List<String> ids = data.stream().map(e -> ((JsonObject) e).getString("id")).toList();
        assertTrue(ids.containsAll(List.of("back/m1", "back/m2", "openai/gpt-x", "m2")), ids.toString());
        JsonObject peer = data.stream().map(JsonObject.class::cast).filter(e -> e.getString("id").equals("back/m1"))
                .findFirst().orElseThrow();
        assertEquals("peer", peer.getJsonObject("meta").getJsonObject("llamaswap").getString("type"));
        assertEquals("back", peer.getJsonObject("meta").getJsonObject("llamaswap").getString("peerID"));
        String running = HTTP.send(request("/running").GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        assertFalse(running.contains("back/"), running);
    }

    @Test
    void activityShowsPeerRequestsByTheirFqn() throws Exception {
        chat("back/m1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String activity = HTTP.send(request("/api/metrics/activity?model=back/m1").GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(activity.contains("\"model\":\"back/m1\""), activity);
        });
    }

    // ------------------------------------------------------------ failover (modelswap's, beyond llama-swap)

    private static String metrics() throws Exception {
        return HTTP.send(request("/metrics").GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The count of one failover series; -1 (with the series listed) when it is absent. */
    private static double failovers(String selector, String from, String to, String cause) throws Exception {
        List<String> labels = List.of("cause=\"" + cause + "\"", "from=\"" + from + "\"",
                "selector=\"" + selector + "\"", "to=\"" + to + "\"");
        List<String> series = metrics().lines().filter(l -> l.startsWith("modelswap_failovers_total{")).toList();
        return series.stream().filter(l -> labels.stream().allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no failover series " + labels + " in " + series));
    }

    @Test
    void aLocalTargetThatCannotStartFailsOverAndIsSkippedDuringItsBackoff() throws Exception {
        HttpResponse<String> first = chat("fo-start");
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(answer(first).startsWith("m1 answered: received model=m1 "), first.body());
        assertEquals(1.0, failovers("fo-start", "broken", "back/m1", "upstream_start_failed"));
        // the activity row is the selector's, and says which target answered
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonArray rows = new JsonObject(HTTP.send(request("/api/metrics/activity?model=fo-start").GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("data");
            assertEquals(1, rows.size(), rows.encode());
            assertEquals("back/m1", rows.getJsonObject(0).getString("served_by"), rows.encode());
        });

        HttpResponse<String> second = chat("fo-start");
        assertEquals(200, second.statusCode(), second.body());
        // broken backs off: the second request went straight to m1, no second failover
        assertEquals(1.0, failovers("fo-start", "broken", "back/m1", "upstream_start_failed"));
    }

    @Test
    void anUnreachablePeerFailsOverAndAStreamStillArrivesWhole() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", "application/json",
                "{\"model\":\"fo-unreachable\",\"stream\":true,\"messages\":[]}");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("data: [DONE]"), response.body());
        assertEquals(1.0, failovers("fo-unreachable", "gone/ghost", "back/m1", "upstream_unreachable"));
    }

    @Test
    void aPeerSilentPastItsResponseHeaderTimeoutFailsOver() throws Exception {
        HttpResponse<String> response = chat("fo-silent");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(answer(response).startsWith("m1 answered: received model=m1 "), response.body());
        assertTrue(failovers("fo-silent", "silent/slow", "back/m1", "upstream_no_response") >= 1.0);
    }

    @Test
    void nothingFailsOverOnceAByteReachedTheClient() throws Exception {
        HttpRequest dying = request("/v1/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"fo-late\",\"stream\":true,\"messages\":[]}")).build();
        assertThrows(IOException.class, () -> HTTP.send(dying, HttpResponse.BodyHandlers.ofString()));
        assertFalse(metrics().contains("selector=\"fo-late\""), "no failover after the first chunk");
    }
}
