package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.process.ProcessLedger;
import io.modelswap.testing.FakeUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * modelswap killed with SIGKILL cannot stop its upstreams; the next modelswap on the same state file (by default
 * the one for the same user and port) stops them before it starts anything.
 */
class StateFileIT {

    @Test
    void aRestartAfterSigkillStopsTheUpstreamsThePreviousRunLeft() throws Exception {
        FakeModels models = new FakeModels("healthCheckTimeout: 15")
                .model("forking", "--fork-grandchild", "unloadTimeout: 2");
        Path config = models.write();
        int port = FakeUpstream.freePort();
        Path stateFile = Path.of(System.getProperty("java.io.tmpdir"),
                "modelswap-" + System.getProperty("user.name") + "-" + port + ".state");
        List<Long> pids;
        try {
            try (PackagedApp first = PackagedApp.start(config, port)) {
                String chat = "{\"model\":\"forking\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                assertEquals(200, first.postJson("/v1/chat/completions", chat).statusCode());
                pids = FakeUpstream.pidsOf(models.port("forking"));
                assertTrue(pids.size() >= 2, "the upstream and its grandchild: " + pids);
                await().atMost(Duration.ofSeconds(5)).until(() -> ProcessLedger.read(stateFile).processes().stream()
                        .map(ProcessLedger.Entry::pid).toList().containsAll(pids));

                first.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
                assertTrue(first.process().waitFor(10, TimeUnit.SECONDS));
            }
            for (long pid : pids) {
                assertTrue(FakeUpstream.alive(pid), "orphaned upstream " + pid + " outlived its modelswap");
            }

            try (PackagedApp second = PackagedApp.start(config, port)) {
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    for (long pid : pids) {
                        assertTrue(!FakeUpstream.alive(pid), "leftover " + pid + " still runs:\n" + second.log());
                    }
                });
                assertTrue(second.log().contains("left running by the previous modelswap"), second.log());
                assertEquals(200, second.get("/health").statusCode());
            }
        } finally {
            Files.deleteIfExists(stateFile);
        }
    }
}
