package io.modelswap.api;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** modelswap with {@code apiKeys} set, in front of one fake upstream. */
public class AuthTestResource implements QuarkusTestResourceLifecycleManager {

    static final String KEY = "sk-test-key-1";
    static final String OTHER_KEY = "sk-test-key-2";

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15\napiKeys: [" + KEY + ", " + OTHER_KEY + "]")
            .model("alpha", "", "aliases: [a]");

    @Override
    public Map<String, String> start() {
        return Map.of("modelswap.config", MODELS.write().toString());
    }

    @Override
    public void stop() {
    }
}
