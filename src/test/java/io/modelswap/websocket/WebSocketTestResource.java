package io.modelswap.websocket;

import io.modelswap.it.FakeModels;
import io.modelswap.testing.WebSocketEchoUpstream;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** modelswap in front of websocket echo upstreams: a plain model, and ComfyUI's {@code comfyui_auto}. */
public class WebSocketTestResource implements QuarkusTestResourceLifecycleManager {

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15")
            .command("echo", WebSocketEchoUpstream.command("${PORT}"), "aliases: [e]")
            .command("comfyui_auto", WebSocketEchoUpstream.command("${PORT}"));

    @Override
    public Map<String, String> start() {
        return Map.of("modelswap.config", MODELS.write().toString());
    }

    @Override
    public void stop() {
    }
}
