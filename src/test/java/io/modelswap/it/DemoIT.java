package io.modelswap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The demo of the README works with the packaged modelswap alone (the jar, or the native executable when built),
 * from any working directory (issue 12, point 15): the repository's application.yaml, copied into an empty
 * directory that also is the working directory, serves both demo models through {@code ${MODELSWAP_BIN}
 * demo-upstream}. Only {@code startPort} is changed, to a free port.
 */
class DemoIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theDefaultConfigurationServesBothDemoModelsFromAnotherDirectory() throws Exception {
        Path dir = Files.createTempDirectory("modelswap-demo");
        String demo = Files.readString(Path.of("application.yaml"));
        assertTrue(demo.contains("startPort: 5800\n"), "the demo's startPort line moved");
        Files.writeString(dir.resolve("application.yaml"), demo.replace("startPort: 5800\n",
                "startPort: " + FakeUpstream.freePort() + "\n"));
        int port = FakeUpstream.freePort();
        List<String> command = new ArrayList<>(PackagedApp.launcher().stream()
                .map(part -> part.endsWith(".jar") ? Path.of(part).toAbsolutePath().toString() : part).toList());
        command.addAll(List.of("-listen", "127.0.0.1:" + port));
        Path log = Files.createTempFile("modelswap-demo", ".log");
        Process app = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> get(port, "/health").statusCode() == 200);

            HttpResponse<String> tiny = chat(port, "tiny-llama", false);
            assertEquals(200, tiny.statusCode(), tiny.body() + "\n" + Files.readString(log));
            assertTrue(tiny.body().contains("tiny-llama answered"), tiny.body());
            HttpResponse<String> qwen = chat(port, "small-qwen", true);
            assertEquals(200, qwen.statusCode(), qwen.body());
            assertTrue(qwen.body().strip().endsWith("data: [DONE]"), qwen.body());

            String running = get(port, "/running").body();
            assertTrue(running.contains("\"model\":\"small-qwen\"") && !running.contains("\"model\":\"tiny-llama\""),
                    "small-qwen replaced tiny-llama: " + running);
            assertTrue(running.contains(" demo-upstream --port "), running);
        } finally {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chat(int port, String model, boolean stream)
            throws IOException, InterruptedException {
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
