package io.modelswap.api;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/** modelswap without API keys in front of two fake upstreams that evict each other (one at a time). */
public class ApiTestResource implements QuarkusTestResourceLifecycleManager {

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15\nmetricsMaxInMemory: 20")
            .model("alpha", "--log-lines 3 --tokens 4 --token-delay-ms 0", "aliases: [a]", "unloadTimeout: 2")
            .model("beta", "--tokens 4 --token-delay-ms 0", "unloadTimeout: 2")
            .model("seer", "--tokens 4 --token-delay-ms 0", "capabilities:", "  in: [text, image]", "  out: [text]",
                    "  tools: true", "  context: 32768");

    /** The configuration file modelswap was started with (a test may rewrite it and reload). */
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
