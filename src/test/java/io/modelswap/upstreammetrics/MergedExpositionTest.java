package io.modelswap.upstreammetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** How upstreams' Prometheus text is renamed, relabelled and merged (pure: no HTTP). */
class MergedExpositionTest {

    private static final String LLAMA = """
            # HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
            # TYPE llamacpp:prompt_tokens_total counter
            llamacpp:prompt_tokens_total 12
            # HELP llamacpp:requests_processing Number of requests processing.
            # TYPE llamacpp:requests_processing gauge
            llamacpp:requests_processing 0
            """;

    @Test
    void familiesOfTwoModelsAreWrittenTogetherUnderOneHelpAndType() {
        MergedExposition merged = new MergedExposition();
        merged.add("a", LLAMA);
        merged.add("b", LLAMA.replace(" 12", " 30"));
        assertEquals("""
                # HELP upstream_llamacpp_prompt_tokens_total Number of prompt tokens processed.
                # TYPE upstream_llamacpp_prompt_tokens_total counter
                upstream_llamacpp_prompt_tokens_total{model="a"} 12
                upstream_llamacpp_prompt_tokens_total{model="b"} 30
                # HELP upstream_llamacpp_requests_processing Number of requests processing.
                # TYPE upstream_llamacpp_requests_processing gauge
                upstream_llamacpp_requests_processing{model="a"} 0
                upstream_llamacpp_requests_processing{model="b"} 0
                """, merged.render(Set.of()));
        assertEquals(0, merged.dropped());
    }

    @Test
    void histogramSamplesLabelsAndEscapesAreKept() {
        MergedExposition merged = new MergedExposition();
        merged.add("we\"ird\\id", """
                # TYPE vllm:ttft_seconds histogram
                vllm:ttft_seconds_bucket{model="x",le="0.5",path="a\\"b\\\\c"} 1
                vllm:ttft_seconds_bucket{model="x",le="+Inf",path="a\\"b\\\\c"} 2 1700000000000
                vllm:ttft_seconds_sum{model="x",path="a\\"b\\\\c"} 0.75
                vllm:ttft_seconds_count{model="x",path="a\\"b\\\\c"} 2
                """);
        assertEquals("""
                # HELP upstream_vllm_ttft_seconds Upstream metric (no help given).
                # TYPE upstream_vllm_ttft_seconds histogram
                upstream_vllm_ttft_seconds_bucket{model="we\\"ird\\\\id",exported_model="x",le="0.5",path="a\\"b\\\\c"} 1
                upstream_vllm_ttft_seconds_bucket{model="we\\"ird\\\\id",exported_model="x",le="+Inf",path="a\\"b\\\\c"} 2 1700000000000
                upstream_vllm_ttft_seconds_sum{model="we\\"ird\\\\id",exported_model="x",path="a\\"b\\\\c"} 0.75
                upstream_vllm_ttft_seconds_count{model="we\\"ird\\\\id",exported_model="x",path="a\\"b\\\\c"} 2
                """, merged.render(Set.of()));
    }

    @Test
    void malformedLinesConflictingTypesAndTakenNamesAreLeftOut() {
        MergedExposition merged = new MergedExposition();
        merged.add("a", """
                # TYPE x gauge
                x 1
                x{bad-label="1"} 2
                x{l="unterminated} 3
                x{l="1",l="2"} 4
                y not-a-number
                taken_total 5
                """);
        merged.add("b", "# TYPE x counter\nx 7\n");
        assertEquals("""
                # HELP upstream_x Upstream metric (no help given).
                # TYPE upstream_x gauge
                upstream_x{model="a"} 1
                """, merged.render(Set.of("upstream_taken_total")));
        assertEquals(6, merged.dropped());
    }
}
