package io.modelswap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** modelswap itself as a process: SIGTERM stops every upstream, grandchildren included, then modelswap exits. */
class ShutdownIT {

    @Test
    void sigtermStopsEveryUpstreamAndItsChildrenThenExits() throws Exception {
        TestConfig models = TestConfig.models().globals("groups:\n  together:\n    swap: false\n"
                + "    members: [forking, stubborn]")
                .model("forking", "--fork-grandchild", "unloadTimeout: 2")
                .model("stubborn", "--ignore-sigterm", "unloadTimeout: 1");
        try (PackagedApp app = PackagedApp.start(models.write(), FakeUpstream.freePort())) {
            String chat = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertEquals(200, app.postJson("/v1/chat/completions", chat.formatted("forking")).statusCode());
            assertEquals(200, app.postJson("/v1/chat/completions", chat.formatted("stubborn")).statusCode());
            List<Long> pids = new java.util.ArrayList<>(FakeUpstream.pidsOf(models.port("forking")));
            pids.addAll(FakeUpstream.pidsOf(models.port("stubborn")));
            assertTrue(pids.size() >= 3, "both upstreams run, one with a grandchild: " + pids);

            assertTrue(app.terminate(Duration.ofSeconds(30)), "modelswap did not exit:\n" + app.log());
            for (long pid : pids) {
                assertFalse(FakeUpstream.alive(pid), "process " + pid + " outlived modelswap:\n" + app.log());
            }
        }
    }

    @Test
    void versionFlagPrintsTheVersionAndExits() throws Exception {
        Process process = new ProcessBuilder(concat(PackagedApp.launcher(), "-version"))
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        assertTrue(out.startsWith("modelswap "), out);
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }
}
