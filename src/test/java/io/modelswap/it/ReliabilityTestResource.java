package io.modelswap.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fake upstreams that fail to start or to answer in the ways a long-running server meets: a port already taken, a
 * command that does not exist, one that exits 0 at once, one never healthy, one that never answers a request. All
 * in one non-swapping group, so the well-behaved {@code keeper} stays up through every failure of the others.
 */
public class ReliabilityTestResource implements QuarkusTestResourceLifecycleManager {

    /** Each start of {@code busy} appends a line here. */
    static final Path BUSY_STARTS;

    static {
        try {
            BUSY_STARTS = Files.createTempDirectory("modelswap-reliab").resolve("busy-starts");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15\ngroups:\n  all:\n    swap: false\n"
            + "    members: [keeper, busy, missing, quitter, sleepy, mute]")
            .model("keeper", "", "unloadTimeout: 1")
            .command("busy", "sh -c 'echo start >> " + BUSY_STARTS + "; exec "
                    + FakeModels.fake("--port", "${PORT}", "--model-name", "busy") + "'")
            .command("missing", "/nonexistent/llama-server --port ${PORT}")
            .command("quitter", "sh -c 'exit 0'")
            .model("sleepy", "--never-healthy", "unloadTimeout: 1")
            .model("mute", "--never-answer", "unloadTimeout: 1", "timeouts:", "  responseHeader: 2");

    @Override
    public Map<String, String> start() {
        return Map.of("modelswap.config", MODELS.write().toString(),
                "modelswap.proxy.max-body-size", "1M");
    }

    @Override
    public void stop() {
    }
}
