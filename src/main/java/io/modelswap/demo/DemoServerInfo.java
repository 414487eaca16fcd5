package io.modelswap.demo;

import static io.modelswap.demo.DemoJson.json;
import static io.modelswap.demo.DemoJson.str;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the demo upstream tells about itself, shaped like the servers it stands in for: llama-server's
 * {@code GET /props} ({@code --n-ctx N}: {@code default_generation_settings.n_ctx} and the top-level {@code n_ctx} newer
 * builds add), vLLM's {@code GET /v1/models} ({@code --max-model-len N}: {@code max_model_len} on each model, and no
 * {@code /props}), and {@code GET /metrics} as llama-server {@code --metrics} ({@code --metrics llamacpp}) or vLLM
 * ({@code --metrics vllm}) answer it, with counters that grow with the chat completions served.
 */
final class DemoServerInfo {

    private final String modelName;
    private final int nCtx;
    private final int maxModelLen;
    private final String metrics;

    /**
     * @param nCtx        llama-server's context size, or 0: no {@code /props} (404, as vLLM)
     * @param maxModelLen vLLM's {@code max_model_len}, or 0: left out of {@code /v1/models}
     * @param metrics     {@code llamacpp}, {@code vllm}, or null: no {@code /metrics} (404, llama-server without
     *                    {@code --metrics})
     */
    DemoServerInfo(String modelName, int nCtx, int maxModelLen, String metrics) {
        this.modelName = modelName;
        this.nCtx = nCtx;
        this.maxModelLen = maxModelLen;
        this.metrics = metrics;
    }

    /** Answers {@code /props}, {@code /metrics} or {@code /v1/models}: 404 where this upstream has no such page. */
    int answer(HttpExchange ex, String path, int completions, int tokensPerCompletion) throws IOException {
        String body = switch (path) {
            case "/props" -> props();
            case "/metrics" -> metrics(completions, tokensPerCompletion);
            default -> models();
        };
        if (body == null) {
            return json(ex, 404, "{\"error\":{\"message\":\"File Not Found\",\"type\":\"not_found_error\"}}");
        }
        if (!path.equals("/metrics")) {
            return json(ex, 200, body);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        return 200;
    }

    /** llama-server's {@code /props}, or null when this upstream has none. */
    String props() {
        if (nCtx <= 0) {
            return null;
        }
        return "{\"default_generation_settings\":{\"id\":0,\"id_task\":-1,\"n_ctx\":" + nCtx
                + ",\"speculative\":false,\"is_processing\":false,\"params\":{\"n_predict\":-1,\"temperature\":0.8}},"
                + "\"total_slots\":1,\"model_path\":" + str("/models/" + modelName + ".gguf")
                + ",\"chat_template\":\"\",\"modalities\":{\"vision\":false,\"audio\":false},\"n_ctx\":" + nCtx
                + ",\"build_info\":\"b5000-demo\"}";
    }

    /** {@code /v1/models}: vLLM's shape (with {@code max_model_len}) when it has one, else a plain OpenAI list. */
    String models() {
        if (maxModelLen <= 0) {
            return "{\"object\":\"list\",\"data\":[{\"id\":" + str(modelName)
                    + ",\"object\":\"model\",\"owned_by\":\"demo\"}]}";
        }
        return "{\"object\":\"list\",\"data\":[{\"id\":" + str(modelName) + ",\"object\":\"model\",\"created\":"
                + System.currentTimeMillis() / 1000 + ",\"owned_by\":\"vllm\",\"root\":" + str(modelName)
                + ",\"parent\":null,\"max_model_len\":" + maxModelLen + ",\"permission\":[]}]}";
    }

    /** The Prometheus text of {@code GET /metrics}, or null when this upstream serves none. */
    String metrics(int completions, int tokensPerCompletion) {
        if ("llamacpp".equals(metrics)) {
            return llamaCpp(completions, tokensPerCompletion);
        }
        if ("vllm".equals(metrics)) {
            return vllm(completions, tokensPerCompletion);
        }
        return null;
    }

    private static String llamaCpp(int completions, int tokens) {
        return family("llamacpp:prompt_tokens_total", "counter", "Number of prompt tokens processed.",
                "", completions * 12)
                + family("llamacpp:prompt_seconds_total", "counter", "Prompt process time", "", completions * 0.01)
                + family("llamacpp:tokens_predicted_total", "counter", "Number of generation tokens processed.",
                        "", completions * tokens)
                + family("llamacpp:tokens_predicted_seconds_total", "counter", "Predict process time", "",
                        completions * 0.02)
                + family("llamacpp:n_decode_total", "counter", "Total number of llama_decode() calls", "",
                        completions * (tokens + 1))
                + family("llamacpp:prompt_tokens_seconds", "gauge", "Average prompt throughput in tokens/s.", "",
                        completions == 0 ? 0 : 1200.5)
                + family("llamacpp:predicted_tokens_seconds", "gauge", "Average generation throughput in tokens/s.",
                        "", completions == 0 ? 0 : 95.25)
                + family("llamacpp:requests_processing", "gauge", "Number of requests processing.", "", 0)
                + family("llamacpp:requests_deferred", "gauge", "Number of requests deferred.", "", 0);
    }

    private String vllm(int completions, int tokens) {
        String labels = "engine=\"0\",model_name=" + str(modelName);
        StringBuilder out = new StringBuilder();
        // what prometheus_client's default collectors add to vLLM's own families
        out.append(family("python_gc_objects_collected_total", "counter", "Objects collected during gc",
                "generation=\"0\"", 1234));
        out.append(family("process_start_time_seconds", "gauge",
                "Start time of the process since unix epoch in seconds.", "", 1.7e9));
        out.append(family("vllm:num_requests_running", "gauge",
                "Number of requests in model execution batches.", labels, 0));
        out.append(family("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.",
                labels, 0));
        out.append(family("vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.", labels,
                completions * 12));
        out.append(family("vllm:generation_tokens_total", "counter", "Number of generation tokens processed.",
                labels, completions * tokens));
        out.append("# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.\n");
        out.append("# TYPE vllm:time_to_first_token_seconds histogram\n");
        double[] bounds = {0.001, 0.005, 0.01, 0.02, 0.04};
        for (double bound : bounds) {
            out.append("vllm:time_to_first_token_seconds_bucket{").append(labels).append(",le=\"").append(bound)
                    .append("\"} ").append(bound >= 0.01 ? completions : 0).append('\n');
        }
        out.append("vllm:time_to_first_token_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ")
                .append(completions).append('\n');
        out.append("vllm:time_to_first_token_seconds_sum{").append(labels).append("} ").append(completions * 0.008)
                .append('\n');
        out.append("vllm:time_to_first_token_seconds_count{").append(labels).append("} ").append(completions)
                .append('\n');
        return out.toString();
    }

    private static String family(String name, String type, String help, String labels, double value) {
        return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name
                + (labels.isEmpty() ? "" : "{" + labels + "}") + " " + value + "\n";
    }
}
