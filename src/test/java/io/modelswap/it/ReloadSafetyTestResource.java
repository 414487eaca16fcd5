package io.modelswap.it;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;
import java.util.Map;

/** modelswap with {@code apiKeys} and one fake model; the file is reloaded through the API only (no poller). */
public class ReloadSafetyTestResource extends TestConfigResource {

    static final String KEY = "sk-reload-key";
    /** Without keys; its {@link TestConfig#file()} is the file modelswap reads, which starts as {@link #WITH_KEYS}. */
    static final TestConfig MODELS = TestConfig.models().model("alpha", "")
            .property("modelswap.watch.interval", "off");
    static final String WITH_KEYS = "apiKeys: [" + KEY + "]\n" + MODELS.yaml();

    @Override
    protected TestConfig config() {
        return MODELS;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> properties = super.start();
        TestConfig.writeFile(MODELS.file(), WITH_KEYS);
        return properties;
    }
}
