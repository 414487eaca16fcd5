package io.modelswap.api;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/** modelswap without API keys in front of two fake upstreams that evict each other (one at a time). */
public class ApiTestResource extends TestConfigResource {

    /** Its {@link TestConfig#file()} is the file modelswap was started with (a test may rewrite it and reload). */
    static final TestConfig MODELS = TestConfig.models().globals("metricsMaxInMemory: 20")
            .model("alpha", "--log-lines 3 --tokens 4 --token-delay-ms 0", "aliases: [a]", "unloadTimeout: 2")
            .model("beta", "--tokens 4 --token-delay-ms 0", "unloadTimeout: 2")
            .model("seer", "--tokens 4 --token-delay-ms 0", "capabilities:", "  in: [text, image]", "  out: [text]",
                    "  tools: true", "  context: 32768");

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
