package io.modelswap.upstreammetrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.modelswap.testing.Promtool;


/**
 * {@code /metrics} with the running upstreams' own metrics merged in (issue 19, point 12): real fake upstreams
 * answering llama-server's and vLLM's {@code /metrics}, one that never answers and one without metrics.
 */
@QuarkusTest
@WithTestResource(UpstreamMetricsTestResource.class)
class UpstreamMetricsTest {

    private static boolean loaded;

    @BeforeEach
    void loadEverything() {
        if (loaded) {
            return;
        }
        loaded = true;
        for (String model : new String[] {"llama-a", "llama-b", "vllm", "slow", "nometrics", "plain"}) {
            given().post("/api/models/load/" + model).then().statusCode(200);
        }
        for (String model : new String[] {"llama-a", "llama-b", "vllm"}) {
            given().contentType("application/json")
                    .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200);
        }
    }

    private static String scrape(String accept) {
        return given().accept(accept).get("/metrics").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/plain; version=0.0.4")).extract().asString();
    }

    @Test
    void eachReadyUpstreamsSamplesCarryItsModelAndFamiliesAreMerged() {
        String text = scrape("*/*");
        assertTrue(text.contains("upstream_llamacpp_prompt_tokens_total{model=\"llama-a\"} 12"), text);
        assertTrue(text.contains("upstream_llamacpp_tokens_predicted_total{model=\"llama-a\"} 3"), text);
        assertTrue(text.contains("upstream_llamacpp_tokens_predicted_total{model=\"llama-b\"} 5"), text);
        assertTrue(text.contains("upstream_vllm_num_requests_running{model=\"vllm\",engine=\"0\","
                + "model_name=\"vllm\"} 0"), text);
        assertTrue(text.contains("upstream_vllm_time_to_first_token_seconds_bucket{model=\"vllm\",engine=\"0\","
                + "model_name=\"vllm\",le=\"+Inf\"} 1"), text);
        assertFalse(text.contains("model=\"plain\"} "), "a model without metricsEndpoint is not scraped");
        // vLLM's process_start_time_seconds is its own, beside modelswap's
        assertTrue(text.contains("upstream_process_start_time_seconds{model=\"vllm\"}"), text);
        Set<String> typed = new HashSet<>();
        String family = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String name = line.split(" ")[2];
                assertTrue(typed.add(name), "one # TYPE per family: " + name);
                family = name;
            } else if (!line.startsWith("#") && !line.isBlank()) {
                String sample = line.split("[{ ]")[0];
                assertTrue(sample.startsWith(family), "all samples of " + family + " together, not " + sample);
            }
        }
        assertEquals(1, text.split("# TYPE upstream_llamacpp_prompt_tokens_total ", -1).length - 1, text);
    }

    @Test
    void aSlowOrBrokenUpstreamCostsAtMostTheTimeoutAndIsCounted() {
        long began = System.nanoTime();
        String text = scrape("*/*");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        assertTrue(tookMs < UpstreamMetricsTestResource.TIMEOUT_MS + 1500, "took " + tookMs + " ms");
        assertTrue(text.matches("(?s).*modelswap_upstream_scrapes_total\\{model=\"slow\",outcome=\"timeout\",?} "
                + "[1-9].*"), text);
        assertTrue(text.matches("(?s).*modelswap_upstream_scrapes_total\\{model=\"nometrics\",outcome=\"error\",?} "
                + "[1-9].*"), text);
        assertTrue(text.matches("(?s).*modelswap_upstream_scrapes_total\\{model=\"llama-a\",outcome=\"ok\",?} "
                + "[1-9].*"), text);
        assertFalse(text.contains("upstream_llamacpp_prompt_tokens_total{model=\"slow\""), text);
    }

    @Test
    void thePrometheusServersOpenMetricsAcceptGetsTheMergedTextFormat() {
        String text = scrape("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,"
                + "*/*;q=0.2");
        assertTrue(text.contains("upstream_llamacpp_prompt_tokens_total{model=\"llama-b\"}"), text);
        assertFalse(text.contains("# EOF"), text);
    }

    @Test
    void promtoolFindsNoProblemsInTheMergedOutput() throws Exception {
        Promtool.assumeInstalled();
        String metrics = scrape("*/*");
        Promtool.assertClean(metrics, "metrics-merged-scrape.txt");
    }

}
