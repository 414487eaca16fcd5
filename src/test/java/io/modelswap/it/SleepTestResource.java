package io.modelswap.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * modelswap on fake upstreams that sleep like vLLM ({@code --enable-sleep-mode}) and keep slots like llama-server
 * ({@code --slot-save-path}). No groups: every model evicts every other.
 */
public class SleepTestResource implements QuarkusTestResourceLifecycleManager {

    /** Where the llama-server-like fake saves its slots. */
    static final Path SLOT_DIR = tempDir();

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15")
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

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("modelswap-slots");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        return Map.of("modelswap.config", MODELS.write().toString());
    }

    @Override
    public void stop() {
        // modelswap stops every upstream on shutdown
    }
}
