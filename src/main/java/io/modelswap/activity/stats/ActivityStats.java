package io.modelswap.activity.stats;

import io.modelswap.metrics.ActivityLog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * llama-swap's activity statistics ({@code GET /api/metrics/stats}): totals over a set of activity rows, and a
 * histogram with percentiles of the prefill ({@code prompt_per_second}) and decode ({@code tokens_per_second})
 * speeds of the rows that report them. Same binning as llama-swap: Sturges' rule, 5 to 20 bins, linear
 * interpolation for percentiles.
 */
public final class ActivityStats {

    static final int MIN_BINS = 5;
    static final int MAX_BINS = 20;

    private ActivityStats() {
    }

    /** The statistics of {@code rows} as llama-swap's JSON. */
    public static JsonObject of(List<ActivityLog.Entry> rows) {
        long input = 0;
        long output = 0;
        long cache = 0;
        List<Double> prompt = new ArrayList<>();
        List<Double> generation = new ArrayList<>();
        for (ActivityLog.Entry row : rows) {
            input += Math.max(0, row.tokens().input());
            output += Math.max(0, row.tokens().output());
            cache += Math.max(0, row.tokens().cache());
            if (row.tokens().promptPerSecond() > 0) {
                prompt.add(row.tokens().promptPerSecond());
            }
            if (row.tokens().tokensPerSecond() > 0) {
                generation.add(row.tokens().tokensPerSecond());
            }
        }
        return new JsonObject()
                .put("total_requests", rows.size())
                .put("total_input_tokens", input)
                .put("total_output_tokens", output)
                .put("total_cache_tokens", cache)
                .put("prompt_histogram", histogram(prompt))
                .put("gen_histogram", histogram(generation));
    }

    /** {@code {bins, min, max, binSize, p50, p95, p99}}, or null without values. */
    static JsonObject histogram(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double min = sorted[0];
        double max = sorted[sorted.length - 1];
        JsonObject out = new JsonObject();
        if (min == max) {
            out.put("bins", new JsonArray().add(sorted.length)).put("min", min).put("max", max).put("binSize", 0.0);
        } else {
            int sturges = (int) Math.ceil(Math.log(sorted.length) / Math.log(2)) + 1;
            int count = Math.min(MAX_BINS, Math.max(MIN_BINS, sturges));
            double size = (max - min) / count;
            int[] bins = new int[count];
            for (double v : sorted) {
                bins[Math.min((int) Math.floor((v - min) / size), count - 1)]++;
            }
            JsonArray binList = new JsonArray();
            Arrays.stream(bins).forEach(binList::add);
            out.put("bins", binList).put("min", min).put("max", max).put("binSize", size);
        }
        return out.put("p50", percentile(sorted, 50)).put("p95", percentile(sorted, 95))
                .put("p99", percentile(sorted, 99));
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 1) {
            return sorted[0];
        }
        double rank = p / 100 * (sorted.length - 1);
        int lower = (int) Math.floor(rank);
        int upper = (int) Math.ceil(rank);
        return sorted[lower] + (rank - lower) * (sorted[upper] - sorted[lower]);
    }
}
