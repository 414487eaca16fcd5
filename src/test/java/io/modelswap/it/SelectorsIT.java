package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15, selectors and profiles: the packaged modelswap with llama-swap's three selector strategies over fake
 * upstreams, and profiles switched live through the API, with the hook that activates one at start and after reloads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelectorsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestConfig models;
    private static PackagedApp app;
    private static Path config;

    @BeforeAll
    static void start() throws Exception {
        models = TestConfig.models().healthCheckTimeout(30)
                .globals("groups:\n  side:\n    swap: false\n    exclusive: false\n"
                        + "    members: [s1, s2]\n  solo:\n    members: [a, b]")
                .model("a", "")
                .model("b", "", "aliases: [bee]")
                .model("s1", "--hold-after 1 --token-delay-ms 1")
                .model("s2", "--hold-after 1 --token-delay-ms 1");
        String yaml = models.yaml() + """
                selectors:
                  pinned:
                    strategy: pin
                    targets: [bee, a]
                  warmest:
                    strategy: warm
                    targets: [a, b]
                  spill:
                    strategy: spillover
                    targets: [s1, s2]
                    settings:
                      spillover: 2
                profiles:
                  fast:
                    description: everything on b
                    pins:
                      chat: bee
                      a: b
                      off: ~
                  legacy: [a, b]
                hooks:
                  on_startup:
                    profile: fast
                """;
        config = Files.createTempDirectory("modelswap-selectors").resolve("config.yaml");
        Files.writeString(config, yaml);
        app = PackagedApp.start(config, FakeUpstream.freePort());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static HttpResponse<String> chat(String model) {
        return app.postJson("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[]}");
    }

    /** The upstream that answered, and the model name it was sent. */
    private static String answer(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getString("content").replaceAll(" body_bytes=.*", "");
    }

    private static HttpResponse<String> put(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pinSendsToItsFirstTargetUnderThatTargetsName() {
        assertEquals("b answered: received model=bee", answer(chat("pinned")));
    }

    @Test
    void warmPrefersALoadedTarget() throws Exception {
        assertEquals(200, put("/api/profiles/active", "{\"name\":null}").statusCode()); // "fast" pins a to b
        assertEquals("b answered: received model=b", answer(app.postJson("/v1/chat/completions",
                "{\"model\":\"b\",\"messages\":[]}")));
        assertEquals("b answered: received model=b", answer(chat("warmest")));
        answer(app.postJson("/v1/chat/completions", "{\"model\":\"a\",\"messages\":[]}"));
        assertEquals("a answered: received model=a", answer(chat("warmest")));
    }

    @Test
    void spilloverFillsEachTargetUpToItsShareUnderConcurrency() throws Exception {
        List<CompletableFuture<HttpResponse<InputStream>>> streams = new ArrayList<>();
        List<BufferedReader> readers = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 4; i++) {
            streams.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                    + "/v1/chat/completions")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"spill\",\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }
        try {
            for (CompletableFuture<HttpResponse<InputStream>> stream : streams) {
                HttpResponse<InputStream> response = stream.get();
                assertEquals(200, response.statusCode());
                readers.add(new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)));
            }
            // four requests at once, a share of two: two held on each target
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertEquals(2, holding("s1"), "held on s1");
                assertEquals(2, holding("s2"), "held on s2");
            });
        } finally {
            FakeUpstream.post(models.port("s1"), "/release");
            FakeUpstream.post(models.port("s2"), "/release");
            for (BufferedReader reader : readers) {
                while (reader.readLine() != null) {
                    // drain to the end
                }
                reader.close();
            }
        }
    }

    private static int holding(String model) {
        return new JsonObject(FakeUpstream.get(models.port(model), "/holding")).getInteger("holding");
    }

    @Test
    @Order(1) // first: the hook's profile is active from the start
    void profilesAreActivatedByTheHookSwitchedLiveAndTold() throws Exception {
        JsonObject profiles = new JsonObject(app.get("/api/profiles").body());
        assertEquals("fast", profiles.getString("active"), profiles.encode());
        assertEquals("legacy", profiles.getJsonArray("profiles").getJsonObject(1).getString("id"));
        assertEquals("bee", profiles.getJsonArray("profiles").getJsonObject(0).getJsonObject("pins")
                .getString("chat"));

        assertEquals("b answered: received model=bee", answer(chat("chat")));
        assertEquals("b answered: received model=b", answer(chat("a")));
        assertEquals(404, chat("off").statusCode());
        assertTrue(app.get("/v1/models").body().contains("\"id\":\"chat\""));

        try (EventTap events = EventTap.open(app.port())) {
            HttpResponse<String> none = put("/api/profiles/active", "{\"name\":null}");
            assertEquals(200, none.statusCode(), none.body());
            assertEquals("{\"active\":null}", none.body());
            events.awaitLine("\"type\":\"profileChanged\"", "{\\\"active\\\":null}");
        }
        assertEquals("a answered: received model=a", answer(chat("a")));
        assertEquals(404, chat("chat").statusCode());

        assertEquals(404, put("/api/profiles/active", "{\"name\":\"nope\"}").statusCode());
        assertEquals(400, put("/api/profiles/active", "{\"name\":3}").statusCode());

        assertEquals(200, put("/api/profiles/active", "{\"name\":\"legacy\"}").statusCode());
        assertEquals("b answered: received model=b", answer(chat("legacy:b")));

        // after a reload that applies, the hook's profile is active again
        HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/api/config/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reload.statusCode(), reload.body());
        assertEquals("fast", new JsonObject(app.get("/api/profiles").body()).getString("active"));
    }
}
