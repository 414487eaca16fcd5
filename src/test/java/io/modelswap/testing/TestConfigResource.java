package io.modelswap.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A {@code @QuarkusTest} resource that starts modelswap on a {@link TestConfig}: a subclass only says which. Each
 * distinct resource class costs one application start in the test run, so tests that can share a configuration share
 * its resource. Nothing to stop: modelswap stops every upstream on shutdown.
 */
public abstract class TestConfigResource implements QuarkusTestResourceLifecycleManager {

    /** The configuration; a subclass keeps it in a static field when its tests need its ports or file. */
    protected abstract TestConfig config();

    @Override
    public Map<String, String> start() {
        return config().start();
    }

    @Override
    public void stop() {
        // modelswap stops every upstream on shutdown
    }
}
