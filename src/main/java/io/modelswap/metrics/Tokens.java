package io.modelswap.metrics;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token counts of one response, read from OpenAI/Anthropic {@code usage} and llama-server {@code timings}.
 * Counts are 0, draft counts and rates -1 when the upstream did not report them.
 *
 * @param input           prompt tokens
 * @param output          generated tokens
 * @param cache           prompt tokens served from the cache
 * @param draft           tokens drafted by speculative decoding (llama-server {@code draft_n}), -1 unknown
 * @param draftAccepted   drafted tokens accepted ({@code draft_n_accepted}), -1 unknown
 * @param promptPerSecond prefill speed, -1 unknown
 * @param tokensPerSecond decode speed, -1 unknown
 */
public record Tokens(long input, long output, long cache, long draft, long draftAccepted, double promptPerSecond,
        double tokensPerSecond) {

    public static final Tokens NONE = new Tokens(0, 0, 0, -1, -1, -1, -1);

    /** Adds what {@code message} (one JSON answer or one SSE event) reports; later non-zero values win. */
    Tokens merge(JsonObject message) {
        Tokens t = this;
        JsonObject usage = usageOf(message);
        if (usage != null) {
            t = new Tokens(
                    pick(t.input, usage, "prompt_tokens", "input_tokens"),
                    pick(t.output, usage, "completion_tokens", "output_tokens"),
                    pickCache(t.cache, usage),
                    t.draft, t.draftAccepted, t.promptPerSecond, t.tokensPerSecond);
        }
        JsonObject timings = message.getValue("timings") instanceof JsonObject o ? o : null;
        if (timings != null) {
            t = new Tokens(
                    t.input == 0 ? pick(0, timings, "prompt_n") : t.input,
                    t.output == 0 ? pick(0, timings, "predicted_n") : t.output,
                    t.cache == 0 ? pick(0, timings, "cache_n") : t.cache,
                    count(t.draft, timings, "draft_n"),
                    count(t.draftAccepted, timings, "draft_n_accepted"),
                    rate(t.promptPerSecond, timings, "prompt_per_second"),
                    rate(t.tokensPerSecond, timings, "predicted_per_second"));
        }
        return t;
    }

    /** llama-swap's {@code tokens} object of an activity row. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cache_tokens", cache);
        m.put("draft_tokens", draft);
        m.put("draft_acc_tokens", draftAccepted);
        m.put("input_tokens", input);
        m.put("output_tokens", output);
        m.put("prompt_per_second", promptPerSecond);
        m.put("tokens_per_second", tokensPerSecond);
        return m;
    }

    private static JsonObject usageOf(JsonObject message) {
        if (message.getValue("usage") instanceof JsonObject u) {
            return u;
        }
        for (String holder : new String[] {"response", "message"}) {
            if (message.getValue(holder) instanceof JsonObject h && h.getValue("usage") instanceof JsonObject u) {
                return u;
            }
        }
        return null;
    }

    private static long pick(long current, JsonObject o, String... names) {
        for (String name : names) {
            if (o.getValue(name) instanceof Number n && n.longValue() > 0) {
                return n.longValue();
            }
        }
        return current;
    }

    private static long pickCache(long current, JsonObject usage) {
        if (usage.getValue("prompt_tokens_details") instanceof JsonObject d) {
            long cached = pick(0, d, "cached_tokens");
            if (cached > 0) {
                return cached;
            }
        }
        return pick(current, usage, "cache_read_input_tokens", "cached_tokens");
    }

    private static long count(long current, JsonObject o, String name) {
        return o.getValue(name) instanceof Number n ? n.longValue() : current;
    }

    private static double rate(double current, JsonObject o, String name) {
        return o.getValue(name) instanceof Number n ? n.doubleValue() : current;
    }
}
