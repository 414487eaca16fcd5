package io.modelswap.uiapi;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * modelswap for the web UI's API: fake upstreams that evict each other (one group), one of which holds its streams
 * until released so that a test can keep a request in flight, a session header of its own, and a small capture buffer.
 */
public class UiApiTestResource implements QuarkusTestResourceLifecycleManager {

    /** The header named in {@code ui.activity.session_id}. */
    static final String SESSION_HEADER = "X-Trace-Id";

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15\nmetricsMaxInMemory: 50\ncaptureBuffer: 1\n"
            + "ui:\n  activity:\n    session_id: [" + SESSION_HEADER + "]\napiKeys: []")
            .model("holder", "--hold-after 1 --tokens 3 --token-delay-ms 0", "unloadTimeout: 2", "aliases: [h]")
            .model("plain", "--tokens 4 --token-delay-ms 0", "unloadTimeout: 2",
                    "env: [\"HF_TOKEN=hf_secret_value\", \"PLAIN=1\"]")
            .model("chatty", "--tokens 40 --token-delay-ms 25", "unloadTimeout: 2");

    static volatile Path configFile;

    @Override
    public Map<String, String> start() {
        configFile = MODELS.write();
        return Map.of("modelswap.config", configFile.toString());
    }

    @Override
    public void stop() {
    }
}
