package io.modelswap.placement;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Memory-aware placement end to end, without a GPU: real fake upstreams, a scripted nvidia-smi that reports memory for
 * their pids (see {@link MemoryPlacementTestResource}), real HTTP. One 24 GiB GPU with 1 GiB reserved: a and b (10 GiB
 * each) fit together, c (12 GiB) does not fit beside both; their group lets all of them run at once.
 */
@QuarkusTest
@WithTestResource(MemoryPlacementTestResource.class)
class MemoryPlacementTest {

    /** Readings come every performance.every (5 s); a change shows within two of them. */
    private static final Duration READING = Duration.ofSeconds(15);

    @BeforeEach
    void aGpuIsKnownAndNothingRuns() throws Exception {
        Files.writeString(MemoryPlacementTestResource.FOREIGN, "");
        given().post("/api/models/unload").then().statusCode(200);
        await().atMost(READING).untilAsserted(() -> assertEquals(0.0, gpuGauge("foreign")));
    }

    @AfterEach
    void noForeignProcess() throws Exception {
        Files.writeString(MemoryPlacementTestResource.FOREIGN, "");
    }

    @Test
    void modelsSwapByMemoryNotByGroup() {
        chat("a").then().statusCode(200);
        chat("b").then().statusCode(200);
        assertEquals(java.util.Set.of("a", "b"), java.util.Set.copyOf(running()), "they fit together");

        chat("c").then().statusCode(200);
        List<String> after = running();
        assertTrue(after.contains("c") && after.size() == 2, "c plus one of a and b: " + after);
        String evicted = after.contains("a") ? "b" : "a";
        JsonPath swaps = given().get("/api/swaps").then().statusCode(200).extract().jsonPath();
        Map<String, Object> swapToC = swaps.getMap("decisions.find { it.model == 'c' && it.kind == 'swap' }");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> evictions = (List<Map<String, Object>>) swapToC.get("evicted");
        assertEquals(1, evictions.size(), evictions.toString());
        assertEquals(evicted, evictions.get(0).get("model"));
        String rule = (String) evictions.get(0).get("rule");
        assertTrue(rule.startsWith("evicted " + evicted + " (10 GiB, reloads in ") && rule.endsWith(" to fit c (12 GiB)"),
                rule);
        assertEquals("memory: " + rule, swapToC.get("note"));
    }

    @Test
    void memoryHeldByAForeignProcessIsRespected() throws Exception {
        Files.writeString(MemoryPlacementTestResource.FOREIGN, "999999, GPU-fake-0, 14336\n");
        await().atMost(READING).untilAsserted(() -> assertEquals(14.0 * (1 << 30), gpuGauge("foreign")));

        chat("a").then().statusCode(503)
                .body("error.code", equalTo("insufficient_gpu_memory"))
                .body("error.message", containsString("a (10 GiB) needs 10 GiB on GPU 0: of its 24 GiB, 1 GiB are"
                        + " reserved and 14 GiB are held by processes modelswap does not own"));
        assertEquals(List.of(), running());

        Files.writeString(MemoryPlacementTestResource.FOREIGN, "");
        await().atMost(READING).untilAsserted(() -> assertEquals(0.0, gpuGauge("foreign")));
        chat("a").then().statusCode(200);
    }

    @Test
    void measuredMemoryIsAttributedToItsModel() {
        chat("measured").then().statusCode(200);
        await().atMost(READING).untilAsserted(() -> given().get("/running").then()
                .body("running.find { it.model == 'measured' }.memory.observed_bytes", equalTo(6L << 30))
                .body("running.find { it.model == 'measured' }.memory.source", equalTo("observed")));
        given().get("/v1/models").then()
                .body("data.find { it.id == 'measured' }.memory.bytes", equalTo(6L << 30))
                .body("data.find { it.id == 'c' }.memory.source", equalTo("declared"));
        assertEquals(6.0 * (1 << 30), gauge("modelswap_model_memory_bytes", "kind=\"observed\"",
                "model=\"measured\"", "source=\"observed\""));
        assertEquals(24.0 * (1 << 30), gpuGauge("total"));
    }

    @Test
    void aModelThatCanNeverFitIsRefusedAtOnceWithTheNumbers() {
        chat("huge").then().statusCode(503)
                .body("error.code", equalTo("insufficient_gpu_memory"))
                .body("error.message", equalTo("huge (30 GiB) needs 30 GiB on GPU 0, which has 24 GiB with 1 GiB"
                        + " reserved: it can never fit"));
        assertEquals(List.of(), running());
    }

    private static io.restassured.response.Response chat(String model) {
        return given().contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    private static List<String> running() {
        return given().get("/running").then().statusCode(200).extract().jsonPath().getList("running.model");
    }

    /** The value of {@code modelswap_gpu_memory_bytes{gpu="0",kind=...}}, or NaN when absent. */
    private static double gpuGauge(String kind) {
        return gauge("modelswap_gpu_memory_bytes", "gpu=\"0\"", "kind=\"" + kind + "\"");
    }

    /** The value of the series of {@code name} whose labels include every one of {@code labels}; NaN when none. */
    private static double gauge(String name, String... labels) {
        String metrics = given().get("/metrics").then().statusCode(200).extract().asString();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return Double.NaN;
    }
}
