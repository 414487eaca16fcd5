package io.modelswap.it;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/**
 * modelswap on fake upstreams shaped for the swap engine's tests. No groups: every model evicts every other, the
 * harshest case for collation. Holding models ({@code --hold-after 1}) keep a stream open until {@code POST /release},
 * which is how a test keeps a model busy without timing.
 */
public class EngineTestResource extends TestConfigResource {

    private static final String HOLD = "--hold-after 1 --tokens 3 --token-delay-ms 0";

    static final TestConfig MODELS = TestConfig.models()
            .model("a", HOLD)
            .model("b", HOLD)
            .model("c", HOLD)
            .model("limited", HOLD, "concurrencyLimit: 1")
            // slow enough that a loaded CI machine still closes the client before it is ready; no test waits for it
            .model("sluggish", "--start-delay-ms 10000", "aliases: [slug]", "sendLoadingState: true")
            .model("brief", "", "ttl: 1")
            .model("stubborn", "--ignore-sigterm", "unloadTimeout: 2")
            .model("loader", "--start-delay-ms 1500 --tokens 4 --token-delay-ms 0", "sendLoadingState: true",
                    "concurrencyLimit: 1")
            .model("crashloader", "--exit-at-start 3", "sendLoadingState: true")
            .model("qloader", "--tokens 3 --token-delay-ms 0", "sendLoadingState: true");

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
