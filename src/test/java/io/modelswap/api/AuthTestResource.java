package io.modelswap.api;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/**
 * modelswap with {@code apiKeys} set and performance sampling disabled, in front of one fake upstream: the key tests
 * of the API ({@code AuthTest}, {@code PathSpellingAuthTest}) and of the UI's endpoints ({@code UiApiAuthTest}).
 */
public class AuthTestResource extends TestConfigResource {

    public static final String KEY = "sk-test-key-1";
    public static final String OTHER_KEY = "sk-test-key-2";
    /** A key also on alpha's command line (the fake ignores the flag): the configuration views must hide it. */
    public static final String UI_KEY = "sk-ui-api-key-1";

    @Override
    protected TestConfig config() {
        return TestConfig.models()
                .globals("apiKeys: [" + KEY + ", " + OTHER_KEY + ", " + UI_KEY + "]\nperformance:\n  disabled: true")
                .model("alpha", "--api-key " + UI_KEY, "aliases: [a]", "unloadTimeout: 2");
    }
}
