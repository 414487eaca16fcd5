package io.modelswap.modelinfo;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/**
 * modelswap with a llama-server-shaped model ({@code /props}), a vLLM-shaped one ({@code max_model_len}), one whose
 * upstream says nothing about its context, a peer, and a key scoped to the llama-server one.
 */
public class ModelListMetaTestResource extends TestConfigResource {

    static final String ADMIN = "sk-admin-meta";
    static final String LLAMA_ONLY = "sk-llama-meta";

    @Override
    protected TestConfig config() {
        return TestConfig.models()
                .globals("apiKeys: [" + ADMIN + "]\n"
                        + "includeAliasesInList: true\n"
                        + "security:\n  apiKeys:\n"
                        + "    - key: " + LLAMA_ONLY + "\n      name: llama-only\n      models: [llama]\n"
                        + "peers:\n  far:\n    proxy: http://127.0.0.1:9\n    models: [remote-1]\n"
                        + "groups:\n  all:\n    swap: false\n    members: [llama, vllm, quiet]\n")
                .model("llama", "--n-ctx 8192 --tokens 2 --token-delay-ms 0", "aliases: [ll]",
                        "metadata:", "  family: llama", "  type: not-this")
                .model("vllm", "--max-model-len 4096 --tokens 2 --token-delay-ms 0")
                .model("quiet", "--tokens 2 --token-delay-ms 0");
    }
}
