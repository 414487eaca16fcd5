package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** logToStdout and logTimeFormat change the packaged modelswap's console on a reload, without a restart. */
class LogSettingsIT {

    private static final String CHAT = "{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** What the fake upstream prints for each request it answers (--chatty). */
    private static final String UPSTREAM_LINE = "POST /v1/chat/completions 200";

    @Test
    void theConsoleFollowsTheLogKeysOfEachReload() throws Exception {
        TestConfig models = TestConfig.models().globals("logToStdout: proxy").model("alpha", "--chatty");
        Path config = models.write();
        try (PackagedApp app = PackagedApp.start(config, FakeUpstream.freePort())) {
            assertEquals(200, app.postJson("/v1/chat/completions", CHAT).statusCode());
            // the upstream printed its line: it is in the upstream history, not on modelswap's console
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/logs").body().contains(UPSTREAM_LINE));
            assertFalse(app.log().contains(UPSTREAM_LINE), app.log());

            Files.writeString(config, models.yaml().replace("logToStdout: proxy",
                    "logToStdout: both\nlogTimeFormat: rfc3339"));
            assertTrue(app.postJson("/api/config/reload", "").body().contains("\"ok\":true"));
            assertEquals(200, app.postJson("/v1/chat/completions", CHAT).statusCode());
            Pattern rfc3339 = Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String log = app.log();
                assertTrue(log.contains(UPSTREAM_LINE), log);
                assertTrue(rfc3339.matcher(log).find(), log);
            });
        }
    }
}
