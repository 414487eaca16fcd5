package io.modelswap.it;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/**
 * Starts modelswap (in-process or packaged) on a configuration of fake upstreams that misbehave in the ways the proxy
 * tests need. Ports are handed to the tests through system properties {@code fake.port.<model>}.
 */
public class ProxyTestResource extends TestConfigResource {

    static final TestConfig MODELS = TestConfig.models()
            .model("alpha", "--fork-grandchild", "aliases: [a]", "unloadTimeout: 2")
            .model("beta", "")
            .model("renamed", "", "useModelName: upstream-name")
            .model("slow", "--start-delay-ms 800")
            // 10 ms between chunks: a chunk written after modelswap closed the connection draws the RST that makes
            // the next write fail, which is how the fake tells an aborted stream
            .model("held", "--hold-after 2 --tokens 6 --token-delay-ms 10")
            .model("stubborn", "--ignore-sigterm", "unloadTimeout: 1")
            .model("crashy", "--exit-at-start 3")
            .model("dying", "--die-mid-stream 2 --tokens 6 --token-delay-ms 0")
            .property("modelswap.proxy.max-body-size", "1M");

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
