package io.modelswap.api;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** modelswap without API keys in front of two fake upstreams that evict each other (one at a time). */
public class ApiTestResource implements QuarkusTestResourceLifecycleManager {

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15\nmetricsMaxInMemory: 20")
            .model("alpha", "--log-lines 3 --tokens 4 --token-delay-ms 0", "aliases: [a]", "unloadTimeout: 2")
            .model("beta", "--tokens 4 --token-delay-ms 0", "unloadTimeout: 2");

    @Override
    public Map<String, String> start() {
        return Map.of("modelswap.config", MODELS.write().toString());
    }

    @Override
    public void stop() {
    }
}
