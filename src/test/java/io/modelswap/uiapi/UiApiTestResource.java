package io.modelswap.uiapi;

import io.modelswap.testing.FakeNvidiaSmi;
import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;
import java.nio.file.Path;

/**
 * modelswap for the web UI's API: fake upstreams that evict each other (one group), one of which holds its streams
 * until released so that a test can keep a request in flight, a session header of its own, and a small capture buffer.
 */
public class UiApiTestResource extends TestConfigResource {

    /** The header named in {@code ui.activity.session_id}. */
    static final String SESSION_HEADER = "X-Trace-Id";

    /** The compute processes the fake {@code nvidia-smi} reports, one CSV line each ({@code pid, gpu_uuid, MiB}). */
    static final Path GPU_APPS = TestConfig.writeFile(TestConfig.tempDir("modelswap-gpu").resolve("apps.csv"), "");

    /** Its {@link TestConfig#file()} is the file modelswap was started with (a test may rewrite it and reload). */
    static final TestConfig MODELS = TestConfig.models().globals("metricsMaxInMemory: 50\ncaptureBuffer: 1\n"
            + "ui:\n  activity:\n    session_id: [" + SESSION_HEADER + "]\napiKeys: []")
            .model("holder", "--hold-after 1 --tokens 3 --token-delay-ms 0", "unloadTimeout: 2", "aliases: [h]")
            .model("plain", "--tokens 4 --token-delay-ms 0", "unloadTimeout: 2",
                    "env: [\"HF_TOKEN=hf_secret_value\", \"PLAIN=1\"]")
            .model("chatty", "--tokens 40 --token-delay-ms 25", "unloadTimeout: 2")
            // loads for longer than any test waits: a request for it is still loading when it is cancelled
            .model("slowpoke", "--start-delay-ms 20000", "unloadTimeout: 2")
            // the fake GPU's compute processes are the lines of GPU_APPS
            .property("modelswap.performance.nvidia-smi",
                    FakeNvidiaSmi.write(GPU_APPS.getParent(), "  cat '" + GPU_APPS + "'", "9000").toString());

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
