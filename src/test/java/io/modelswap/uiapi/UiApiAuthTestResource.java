package io.modelswap.uiapi;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** modelswap with {@code apiKeys} and with performance sampling disabled, in front of one fake upstream. */
public class UiApiAuthTestResource implements QuarkusTestResourceLifecycleManager {

    static final String KEY = "sk-ui-api-key-1";

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15\napiKeys: [" + KEY + "]\n"
            + "performance:\n  disabled: true")
            // the key also on the command line (the fake ignores the flag): the configuration view must hide it
            .model("alpha", "--api-key " + KEY, "unloadTimeout: 2");

    @Override
    public Map<String, String> start() {
        return Map.of("modelswap.config", MODELS.write().toString());
    }

    @Override
    public void stop() {
    }
}
