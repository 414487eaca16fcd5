package io.modelswap.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * modelswap with the startup hook and the scheduling settings beyond llama-swap: {@code early} is preloaded, and a
 * queued request counts as starved after 1 ms, so the starvation bound is in force as soon as anything queues.
 */
public class TunedRouterTestResource implements QuarkusTestResourceLifecycleManager {

    private static final String HOLD = "--hold-after 1 --tokens 3 --token-delay-ms 0";

    static final FakeModels MODELS = new FakeModels("""
            healthCheckTimeout: 15
            hooks:
              on_startup:
                preload: [early]""")
            .model("early", "")
            .model("a", HOLD)
            .model("b", HOLD);

    @Override
    public Map<String, String> start() {
        return Map.of(
                "modelswap.config", MODELS.write().toString(),
                "modelswap.scheduling.starvation-timeout", "1ms");
    }

    @Override
    public void stop() {
        // modelswap stops every upstream on shutdown
    }
}
