package io.modelswap.it;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/**
 * modelswap with the startup hook and the scheduling settings beyond llama-swap: {@code early} is preloaded, and a
 * queued request counts as starved after 1 ms, so the starvation bound is in force as soon as anything queues.
 */
public class TunedRouterTestResource extends TestConfigResource {

    private static final String HOLD = "--hold-after 1 --tokens 3 --token-delay-ms 0";

    static final TestConfig MODELS = TestConfig.models().globals("""
            hooks:
              on_startup:
                preload: [early]""")
            .model("early", "")
            .model("a", HOLD)
            .model("b", HOLD)
            .property("modelswap.scheduling.starvation-timeout", "1ms");

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
