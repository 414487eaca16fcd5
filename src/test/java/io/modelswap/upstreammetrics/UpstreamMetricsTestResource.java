package io.modelswap.upstreammetrics;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * modelswap with two llama-server-like upstreams and a vLLM-like one serving {@code /metrics}, one that never answers
 * (slow), one without metrics (404), and one with no {@code metricsEndpoint}; all may run together.
 */
public class UpstreamMetricsTestResource implements QuarkusTestResourceLifecycleManager {

    static final long TIMEOUT_MS = 700;

    @Override
    public Map<String, String> start() {
        FakeModels models = new FakeModels("healthCheckTimeout: 15\n"
                + "groups:\n  all:\n    swap: false\n    members: [llama-a, llama-b, vllm, slow, nometrics, plain]\n")
                .model("llama-a", "--metrics llamacpp --tokens 3 --token-delay-ms 0", "metricsEndpoint: /metrics")
                .model("llama-b", "--metrics llamacpp --tokens 5 --token-delay-ms 0", "metricsEndpoint: /metrics")
                .model("vllm", "--metrics vllm --tokens 2 --token-delay-ms 0", "metricsEndpoint: /metrics")
                .model("slow", "--never-answer", "metricsEndpoint: /metrics")
                .model("nometrics", "--tokens 2", "metricsEndpoint: /metrics")
                .model("plain", "--metrics llamacpp --tokens 2");
        return Map.of("modelswap.config", models.write().toString(),
                "modelswap.upstream-metrics.timeout", TIMEOUT_MS + "ms");
    }

    @Override
    public void stop() {
    }
}
