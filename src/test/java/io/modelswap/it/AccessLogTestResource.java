package io.modelswap.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Fake upstreams for the access-log tests: one that answers, one that holds its stream, one that dies mid-stream. */
public class AccessLogTestResource implements QuarkusTestResourceLifecycleManager {

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15")
            .model("plain", "")
            // 10 ms between chunks: a chunk written after modelswap closed the connection fails, so the fake ends
            .model("held", "--hold-after 2 --tokens 6 --token-delay-ms 10")
            .model("dying", "--die-mid-stream 2 --tokens 6 --token-delay-ms 0");

    @Override
    public Map<String, String> start() {
        return Map.of("modelswap.config", MODELS.write().toString());
    }

    @Override
    public void stop() {
        // modelswap stops every upstream on shutdown
    }
}
