package io.modelswap.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.process.ProcessLedger;
import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
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
        TestConfig models = TestConfig.models()
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

    @Test
    void whatAStartForksAwayIsRecordedAsItAppearsAndStoppedAfterASigkillMidStart() throws Exception {
        long marker = 7_600_000_000L + java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000) * 10L;
        // the command double-forks a helper away from itself, then never gets healthy: modelswap dies mid-start
        TestConfig models = TestConfig.models().healthCheckTimeout(120)
                .command("forking", "sh -c '( exec sleep " + marker + " & ) ; exec "
                        + TestConfig.fake("--port", "${PORT}", "--never-healthy") + "'");
        int port = FakeUpstream.freePort();
        Path stateFile = defaultStateFile(port);
        long helper;
        try {
            try (PackagedApp first = PackagedApp.start(models.write(), port)) {
                first.postJsonAsync("/v1/chat/completions",
                        "{\"model\":\"forking\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                await().atMost(Duration.ofSeconds(15)).until(() -> marked(marker).size() == 1);
                helper = marked(marker).get(0);
                // recorded while the model is still starting, not only once it is ready (it never will be)
                await().atMost(Duration.ofSeconds(10)).until(() -> ProcessLedger.read(stateFile).processes().stream()
                        .anyMatch(e -> e.pid() == helper));
                first.process().destroyForcibly();
                assertTrue(first.process().waitFor(10, TimeUnit.SECONDS));
            }
            assertTrue(FakeUpstream.alive(helper), "the helper outlived the killed modelswap");
            try (PackagedApp second = PackagedApp.start(models.write(), port)) {
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertTrue(!FakeUpstream.alive(helper), "leftover " + helper + " still runs:\n" + second.log()));
            }
        } finally {
            marked(marker).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            Files.deleteIfExists(stateFile);
        }
    }

    @Test
    void aCleanExitRemovesTheStateFileAndAStartRemovesStaleOnes() throws Exception {
        TestConfig models = TestConfig.models().model("plain", "", "unloadTimeout: 2");
        int port = FakeUpstream.freePort();
        Path stateFile = defaultStateFile(port);
        // a state file of a modelswap that is gone, on another port, with nothing of it left running
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = defaultStateFile(FakeUpstream.freePort());
        Files.writeString(stale, "owner\t" + gone.pid() + "\t" + System.currentTimeMillis() + "\n");
        try {
            try (PackagedApp app = PackagedApp.start(models.write(), port)) {
                assertTrue(Files.notExists(stale), "a stale state file was left:\n" + app.log());
                String chat = "{\"model\":\"plain\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                assertEquals(200, app.postJson("/v1/chat/completions", chat).statusCode());
                assertTrue(Files.exists(stateFile));
                assertTrue(app.terminate(Duration.ofSeconds(30)), "modelswap did not exit:\n" + app.log());
            }
            assertTrue(Files.notExists(stateFile), "a clean exit left its state file behind");
        } finally {
            Files.deleteIfExists(stale);
            Files.deleteIfExists(stateFile);
        }
    }

    private static Path defaultStateFile(int port) {
        return Path.of(System.getProperty("java.io.tmpdir"),
                "modelswap-" + System.getProperty("user.name") + "-" + port + ".state");
    }

    /** Live processes whose command line holds {@code marker}. */
    private static List<Long> marked(long marker) {
        String m = " " + marker;
        return ProcessHandle.allProcesses().filter(FakeUpstream::aliveHandle)
                .filter(p -> p.info().commandLine().map(c -> (c + " ").contains(m + " ")).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
