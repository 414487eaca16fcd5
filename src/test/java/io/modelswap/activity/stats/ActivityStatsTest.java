package io.modelswap.activity.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.modelswap.metrics.ActivityLog;
import io.modelswap.metrics.Tokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** llama-swap's statistics over activity rows: totals, bins and percentiles, checked by hand. */
class ActivityStatsTest {

    static ActivityLog.Entry row(long id, long input, long output, long cache, double prefill, double decode) {
        return new ActivityLog.Entry(id, Instant.EPOCH, "m", "/v1/chat/completions", "application/json", 200, 10,
                new Tokens(input, output, cache, -1, -1, prefill, decode), null);
    }

    @Test
    void totalsAddUpAndUnreportedSpeedsStayOutOfTheHistograms() {
        List<ActivityLog.Entry> rows = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rows.add(row(i, 100, 10 * i, 5, i, -1));
        }
        JsonObject stats = ActivityStats.of(rows);
        assertEquals(10, stats.getInteger("total_requests"));
        assertEquals(1000, stats.getLong("total_input_tokens"));
        assertEquals(550, stats.getLong("total_output_tokens"));
        assertEquals(50, stats.getLong("total_cache_tokens"));
        assertNull(stats.getValue("gen_histogram"), "no row reported a decode speed");

        JsonObject prompt = stats.getJsonObject("prompt_histogram");
        // 10 values: Sturges gives ceil(log2 10) + 1 = 5 bins over [1, 10], each 1.8 wide
        assertEquals(new JsonArray(List.of(2, 2, 2, 2, 2)), prompt.getJsonArray("bins"));
        assertEquals(1.0, prompt.getDouble("min"));
        assertEquals(10.0, prompt.getDouble("max"));
        assertEquals(1.8, prompt.getDouble("binSize"), 1e-9);
        assertEquals(5.5, prompt.getDouble("p50"), 1e-9);
        assertEquals(9.55, prompt.getDouble("p95"), 1e-9);
        assertEquals(9.91, prompt.getDouble("p99"), 1e-9);
    }

    @Test
    void oneValueMakesOneBinOfWidthZero() {
        JsonObject stats = ActivityStats.of(List.of(row(1, 1, 1, 0, -1, 42), row(2, 1, 1, 0, -1, 42)));
        JsonObject gen = stats.getJsonObject("gen_histogram");
        assertEquals(new JsonArray(List.of(2)), gen.getJsonArray("bins"));
        assertEquals(0.0, gen.getDouble("binSize"));
        assertEquals(42.0, gen.getDouble("p99"));
        assertNull(ActivityStats.of(List.of()).getValue("prompt_histogram"));
    }
}
