package io.modelswap.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.modelswap.testing.FakeUpstream;
import io.vertx.core.Vertx;

/** The fake upstream's stream switches, which later proxy tests rely on, run under a real ModelProcess. */
class DemoUpstreamTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private ModelProcess process;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null) {
            process.shutdown(Duration.ofMillis(500)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int start(String... flags) throws Exception {
        int port = FakeUpstream.freePort();
        process = new ModelProcess(FakeUpstream.model("demo", port).fake(flags).build(), vertx, ProcessTimings.DEFAULTS);
        process.ensureReady().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return port;
    }

    private BufferedReader stream(int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\",\"stream\":true}")).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    private static List<String> readDataLines(BufferedReader reader, int count) throws Exception {
        List<String> data = new ArrayList<>();
        String line;
        while (data.size() < count && (line = reader.readLine()) != null) {
            if (line.startsWith("data: ")) {
                data.add(line);
            }
        }
        return data;
    }

    @Test
    void holdAfterDeliversChunksThenWaitsForRelease() throws Exception {
        int port = start("--hold-after", "2", "--tokens", "4", "--token-delay-ms", "1");
        try (BufferedReader reader = stream(port)) {
            assertEquals(2, readDataLines(reader, 2).size(), "two chunks arrive while the upstream holds");
            HttpResponse<String> released = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/release")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"released\":1}", released.body());
            List<String> rest = readDataLines(reader, 100);
            assertEquals("data: [DONE]", rest.get(rest.size() - 1));
            assertTrue(rest.stream().anyMatch(l -> l.contains("\"usage\"")));
            assertEquals(2 + 1 + 1 + 1, rest.size(), "2 tokens, the finish chunk, the usage chunk, [DONE]");
        }
    }

    @Test
    void dieMidStreamCutsTheStreamAndTheProcessExits() throws Exception {
        int port = start("--die-mid-stream", "2", "--token-delay-ms", "1");
        try (BufferedReader reader = stream(port)) {
            List<String> data = readDataLines(reader, 100);
            assertEquals(2, data.size());
            assertFalse(data.contains("data: [DONE]"));
        } catch (java.io.IOException cut) {
            // the connection may also be reset rather than closed: either way the stream ended early
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> process.state() == ProcessState.STOPPED);
    }
}
