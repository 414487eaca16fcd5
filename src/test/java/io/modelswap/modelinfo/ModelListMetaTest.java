package io.modelswap.modelinfo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/models} as llama-swap shapes it (issue 19, point 9): {@code owned_by}, the {@code meta.llamaswap} block,
 * the context length the upstream reports once loaded (llama-server's {@code /props}, vLLM's {@code max_model_len}),
 * and a scoped key seeing only its models.
 */
@QuarkusTest
@WithTestResource(ModelListMetaTestResource.class)
class ModelListMetaTest {

    private static JsonPath list(String key) {
        return given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200)
                .extract().jsonPath();
    }

    private static Map<String, Object> entry(JsonPath list, String id) {
        return list.getMap("data.find { it.id == '" + id + "' }");
    }

    private static void load(String model) {
        given().header("Authorization", "Bearer " + ModelListMetaTestResource.ADMIN).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
    }

    @Test
    void theContextLengthTheUpstreamReportsOnceLoaded() {
        JsonPath before = list(ModelListMetaTestResource.ADMIN);
        for (String id : List.of("llama", "vllm", "quiet")) {
            Map<String, Object> e = entry(before, id);
            assertFalse(e.containsKey("context_length"), e.toString());
            assertNull(((Map<?, ?>) e.get("meta")).get("n_ctx"), e.toString());
        }
        load("llama");
        load("vllm");
        load("quiet");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonPath after = list(ModelListMetaTestResource.ADMIN);
            assertEquals(8192, entry(after, "llama").get("context_length"));
            assertEquals(8192, after.getInt("data.find { it.id == 'llama' }.meta.n_ctx"));
            assertEquals(8192, entry(after, "ll").get("context_length"), "an alias shows its model's");
            assertEquals(4096, entry(after, "vllm").get("context_length"));
            assertEquals(4096, after.getInt("data.find { it.id == 'vllm' }.meta.n_ctx"));
        });
        Map<String, Object> quiet = entry(list(ModelListMetaTestResource.ADMIN), "quiet");
        assertFalse(quiet.containsKey("context_length"), "unknown stays absent, not 0: " + quiet);
    }

    @Test
    void llamaSwapsShapeOfEachEntry() {
        JsonPath all = list(ModelListMetaTestResource.ADMIN);
        for (Object owner : all.getList("data.owned_by")) {
            assertEquals("llama-swap", owner);
        }
        Map<?, ?> llama = (Map<?, ?>) ((Map<?, ?>) entry(all, "llama").get("meta")).get("llamaswap");
        assertEquals(Map.of("family", "llama", "type", "model", "aliases", List.of("ll")), llama,
                "metadata, with llama-swap's own keys over it");
        Map<?, ?> alias = (Map<?, ?>) ((Map<?, ?>) entry(all, "ll").get("meta")).get("llamaswap");
        assertEquals(Map.of("family", "llama", "type", "alias", "modelID", "llama"), alias);
        Map<?, ?> vllm = (Map<?, ?>) ((Map<?, ?>) entry(all, "vllm").get("meta")).get("llamaswap");
        assertEquals(Map.of("type", "model"), vllm, "no aliases key without aliases");
        Map<String, Object> peer = entry(all, "far/remote-1");
        assertEquals("far: remote-1", peer.get("name"));
        assertEquals(Map.of("type", "peer", "peerID", "far"), ((Map<?, ?>) peer.get("meta")).get("llamaswap"));
    }

    @Test
    void aScopedKeySeesOnlyItsModels() {
        List<String> ids = list(ModelListMetaTestResource.LLAMA_ONLY).getList("data.id");
        assertEquals(List.of("ll", "llama"), ids);
        List<String> everything = list(ModelListMetaTestResource.ADMIN).getList("data.id");
        assertTrue(everything.containsAll(List.of("far/remote-1", "ll", "llama", "quiet", "vllm")),
                everything.toString());
        given().header("Authorization", "Bearer " + ModelListMetaTestResource.LLAMA_ONLY).get("/models").then()
                .statusCode(200).body("data.id", org.hamcrest.Matchers.equalTo(List.of("ll", "llama")));
    }
}
