package io.modelswap.access;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** modelswap with a restrictive security.cors, in front of an upstream that sends its own CORS headers. */
public class CorsTestResource implements QuarkusTestResourceLifecycleManager {

    static final String ALLOWED = "https://app.example.com";

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15\nsecurity:\n  cors:\n"
            + "    allowedOrigins: [" + ALLOWED + "]\n    allowCredentials: true\n"
            + "    allowedMethods: [GET, POST]\n    allowedHeaders: [Content-Type, Authorization]\n"
            + "    exposedHeaders: [X-Request-Id]\n    maxAge: 600")
            .model("alpha", "--cors");

    @Override
    public Map<String, String> start() {
        return Map.of("modelswap.config", MODELS.write().toString());
    }

    @Override
    public void stop() {
    }
}
