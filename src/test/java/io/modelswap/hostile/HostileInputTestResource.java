package io.modelswap.hostile;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;
import io.modelswap.testing.WebSocketEchoUpstream;

/**
 * modelswap in front of fakes for the hostile-input tests: a plain model, one whose bodies are rewritten
 * ({@code useModelName} and {@code filters}), and one with a loading stream whose upstream ignores {@code stream};
 * and, for {@code WebSocketTest}, websocket echo upstreams: a plain one and ComfyUI's {@code comfyui_auto}.
 */
public class HostileInputTestResource extends TestConfigResource {

    /** Room for a JSON string over Jackson's default 20 M characters. */
    static final String MAX_BODY = "32M";

    public static final TestConfig MODELS = TestConfig.models()
            .model("alpha", "", "aliases: [a]")
            // the fake holds a 21 MB body three times over: more heap than the tests' usual 64 MB
            .command("rewritten", TestConfig.fake("--port", "${PORT}", "--model-name", "rewritten")
                    .replace("-Xmx64m", "-Xmx320m"),
                    "useModelName: upstream-name", "filters:", "  stripParams: \"temperature\"")
            .model("unstreamed", "", "sendLoadingState: true", "filters:", "  setParams:", "    stream: false")
            .command("echo", WebSocketEchoUpstream.command("${PORT}"), "aliases: [e]")
            .command("comfyui_auto", WebSocketEchoUpstream.command("${PORT}"))
            .property("modelswap.proxy.max-body-size", MAX_BODY);

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
