package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With {@code store.path}, the activity of one run is there after a restart, and ids go on from where they were. */
class ActivityStoreIT {

    static final String CHAT = "{\"model\":\"kept\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** The activity rows, oldest first, without has_capture (captures live in memory only). */
    static JsonArray activity(PackagedApp app) {
        JsonArray rows = new JsonObject(app.get("/api/metrics/activity?order=asc").body()).getJsonArray("data");
        rows.forEach(row -> ((JsonObject) row).remove("has_capture"));
        return rows;
    }

    @Test
    void aRestartKeepsTheActivity() throws Exception {
        Path store = Files.createTempDirectory("modelswap-store").resolve("activity");
        TestConfig models = TestConfig.models().globals("store:\n  path: " + store)
                .model("kept", "--tokens 5 --token-delay-ms 0", "unloadTimeout: 2");
        Path config = models.write();
        int port = FakeUpstream.freePort();
        JsonArray before;
        try (PackagedApp first = PackagedApp.start(config, port)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, first.postJson("/v1/chat/completions", CHAT).statusCode());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> activity(first).size() == 3);
            before = activity(first);
            assertTrue(first.terminate(Duration.ofSeconds(30)), first.log());
        }
        assertTrue(Files.list(store).anyMatch(p -> p.getFileName().toString().endsWith(".jsonl")), "segments in " + store);

        try (PackagedApp second = PackagedApp.start(config, port)) {
            JsonArray after = activity(second);
            assertEquals(before, after, second.log());
            assertEquals(5, after.getJsonObject(0).getJsonObject("tokens").getInteger("output_tokens"));
            assertEquals(200, second.postJson("/v1/chat/completions", CHAT).statusCode());
            await().atMost(Duration.ofSeconds(10)).until(() -> activity(second).size() == 4);
            long lastBefore = before.getJsonObject(2).getLong("id");
            assertEquals(lastBefore + 1, activity(second).getJsonObject(3).getLong("id"));
        }
    }
}
