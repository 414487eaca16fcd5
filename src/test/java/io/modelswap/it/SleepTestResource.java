package io.modelswap.it;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;
import java.nio.file.Path;

/**
 * modelswap on fake upstreams that sleep like vLLM ({@code --enable-sleep-mode}) and keep slots like llama-server
 * ({@code --slot-save-path}). No groups: every model evicts every other.
 */
public class SleepTestResource extends TestConfigResource {

    /** Where the llama-server-like fake saves its slots. */
    static final Path SLOT_DIR = TestConfig.tempDir("modelswap-slots");

    static final TestConfig MODELS = TestConfig.models()
            .model("va", "--enable-sleep-mode --wake-ms 200 --gpu-memory-mib 2000", "sleep: vllm")
            .model("vb", "--enable-sleep-mode", "sleep: vllm")
            .model("groggy", "--enable-sleep-mode --fail-wake", "sleep: vllm")
            .model("napper", "--enable-sleep-mode", "sleep:", "  preset: vllm", "  maxAsleep: 1s")
            .model("insomniac", "", "sleep: vllm") // no --enable-sleep-mode: POST /sleep is a 404
            .model("dozy", "--enable-sleep-mode", "sleep: vllm", "ttl: 5")
            .model("plain", "")
            .model("slowpoke", "--start-delay-ms 1500", "sendLoadingState: true")
            .model("chatty", "--parallel 2 --slot-save-path " + SLOT_DIR, "slots:", "  save: true",
                    "  maxFiles: 3");

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
