package io.modelswap.upstreammetrics;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/**
 * modelswap with two llama-server-like upstreams and a vLLM-like one serving {@code /metrics}, one that never answers
 * (slow), one without metrics (404), and one with no {@code metricsEndpoint}; all may run together.
 */
public class UpstreamMetricsTestResource extends TestConfigResource {

    static final long TIMEOUT_MS = 700;

    @Override
    protected TestConfig config() {
        return TestConfig.models()
                .globals("groups:\n  all:\n    swap: false\n"
                        + "    members: [llama-a, llama-b, vllm, slow, nometrics, plain]\n")
                .model("llama-a", "--metrics llamacpp --tokens 3 --token-delay-ms 0", "metricsEndpoint: /metrics")
                .model("llama-b", "--metrics llamacpp --tokens 5 --token-delay-ms 0", "metricsEndpoint: /metrics")
                .model("vllm", "--metrics vllm --tokens 2 --token-delay-ms 0", "metricsEndpoint: /metrics")
                .model("slow", "--never-answer", "metricsEndpoint: /metrics")
                .model("nometrics", "--tokens 2", "metricsEndpoint: /metrics")
                .model("plain", "--metrics llamacpp --tokens 2")
                .property("modelswap.upstream-metrics.timeout", TIMEOUT_MS + "ms");
    }
}
