package io.modelswap.hostile;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * modelswap in front of fakes for the hostile-input tests: a plain model, one whose bodies are rewritten
 * ({@code useModelName} and {@code filters}), and one with a loading stream whose upstream ignores {@code stream}.
 */
public class HostileInputTestResource implements QuarkusTestResourceLifecycleManager {

    /** Room for a JSON string over Jackson's default 20 M characters. */
    static final String MAX_BODY = "32M";

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15")
            .model("alpha", "", "aliases: [a]")
            // the fake holds a 21 MB body three times over: more heap than the tests' usual 64 MB
            .command("rewritten", FakeModels.fake("--port", "${PORT}", "--model-name", "rewritten")
                    .replace("-Xmx64m", "-Xmx320m"),
                    "useModelName: upstream-name", "filters:", "  stripParams: \"temperature\"")
            .model("unstreamed", "", "sendLoadingState: true", "filters:", "  setParams:", "    stream: false");

    @Override
    public Map<String, String> start() {
        return Map.of("modelswap.config", MODELS.write().toString(),
                "modelswap.proxy.max-body-size", MAX_BODY);
    }

    @Override
    public void stop() {
    }
}
