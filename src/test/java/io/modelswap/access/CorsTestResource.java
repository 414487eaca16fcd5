package io.modelswap.access;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/** modelswap with a restrictive security.cors, in front of an upstream that sends its own CORS headers. */
public class CorsTestResource extends TestConfigResource {

    static final String ALLOWED = "https://app.example.com";

    @Override
    protected TestConfig config() {
        return TestConfig.models().globals("security:\n  cors:\n"
                + "    allowedOrigins: [" + ALLOWED + "]\n    allowCredentials: true\n"
                + "    allowedMethods: [GET, POST]\n    allowedHeaders: [Content-Type, Authorization]\n"
                + "    exposedHeaders: [X-Request-Id]\n    maxAge: 600")
                .model("alpha", "--cors");
    }
}
