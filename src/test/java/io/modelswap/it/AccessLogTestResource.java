package io.modelswap.it;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/** Fake upstreams for the access-log tests: one that answers, one that holds its stream, one that dies mid-stream,
 * one that streams for long. */
public class AccessLogTestResource extends TestConfigResource {

    static final TestConfig MODELS = TestConfig.models()
            .model("plain", "")
            // 10 ms between chunks: a chunk written after modelswap closed the connection fails, so the fake ends
            .model("held", "--hold-after 2 --tokens 6 --token-delay-ms 10")
            .model("dying", "--die-mid-stream 2 --tokens 6 --token-delay-ms 0")
            // streams for 40 s: long enough that no client below gets its whole answer before it resets
            .model("ticking", "--tokens 20000 --token-delay-ms 2", "concurrencyLimit: 200");

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
