package io.modelswap.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** modelswap with {@code apiKeys} and one fake model; the file is reloaded through the API only (no poller). */
public class ReloadSafetyTestResource implements QuarkusTestResourceLifecycleManager {

    static final String KEY = "sk-reload-key";
    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15").model("alpha", "");
    static final String WITH_KEYS = "apiKeys: [" + KEY + "]\n" + MODELS.yaml();
    static final String CONFIG_PROPERTY = "reload.safety.config";

    @Override
    public Map<String, String> start() {
        java.nio.file.Path file = MODELS.write();
        try {
            java.nio.file.Files.writeString(file, WITH_KEYS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        System.setProperty(CONFIG_PROPERTY, file.toString());
        return Map.of("modelswap.config", file.toString(), "modelswap.watch.interval", "off");
    }

    @Override
    public void stop() {
    }
}
