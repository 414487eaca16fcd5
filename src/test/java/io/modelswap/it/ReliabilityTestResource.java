package io.modelswap.it;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;
import java.nio.file.Path;

/**
 * Fake upstreams that fail to start or to answer in the ways a long-running server meets: a port already taken, a
 * command that does not exist, one that exits 0 at once, one never healthy, one that never answers a request. All
 * in one non-swapping group, so the well-behaved {@code keeper} stays up through every failure of the others.
 */
public class ReliabilityTestResource extends TestConfigResource {

    /** Each start of {@code busy} appends a line here. */
    static final Path BUSY_STARTS = TestConfig.tempDir("modelswap-reliab").resolve("busy-starts");

    static final TestConfig MODELS = TestConfig.models().globals("groups:\n  all:\n    swap: false\n"
            + "    members: [keeper, busy, missing, quitter, sleepy, mute]")
            .model("keeper", "", "unloadTimeout: 1")
            .command("busy", "sh -c 'echo start >> " + BUSY_STARTS + "; exec "
                    + TestConfig.fake("--port", "${PORT}", "--model-name", "busy") + "'")
            .command("missing", "/nonexistent/llama-server --port ${PORT}")
            .command("quitter", "sh -c 'exit 0'")
            .model("sleepy", "--never-healthy", "unloadTimeout: 1")
            .model("mute", "--never-answer", "unloadTimeout: 1", "timeouts:", "  responseHeader: 2")
            .property("modelswap.proxy.max-body-size", "1M");

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
