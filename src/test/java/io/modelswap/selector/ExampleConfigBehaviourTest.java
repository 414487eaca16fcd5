package io.modelswap.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.config.ConfigLoader;
import io.modelswap.config.LoadResult;
import io.modelswap.config.SelectorConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.peer.PeerRoute;
import io.modelswap.peer.PeerRoutes;
import io.modelswap.process.ProcessState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * llama-swap's {@code config.example.yaml}, its peers, profiles and selectors sections, behaving as its comments say
 * once the models it names exist (as in {@code ExampleConfigTest}): names routed to the right peer under the right
 * ID, each selector strategy choosing as documented, the profile's pins.
 */
class ExampleConfigBehaviourTest {

    static SwapConfig config;

    @BeforeAll
    static void load(@TempDir Path dir) throws IOException {
        String example;
        try (InputStream in = ExampleConfigBehaviourTest.class.getResourceAsStream(
                "/llama-swap/config.example.yaml")) {
            example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path main = dir.resolve("config.yaml");
        Files.writeString(main, example.replace("cmd: some-upstream-server",
                "cmd: some-upstream-server\n    proxy: http://127.0.0.1:9999")
                .replace("            - \"llama\"\n", "            - \"gpt-oss-120b\"\n"));
        Path conf = Files.createDirectory(dir.resolve("conf.d"));
        StringBuilder stubs = new StringBuilder("models:\n");
        for (String id : List.of("qwen-unlisted", "modelA", "modelB", "forever-modelA", "forever-modelB",
                "forever-modelc", "A", "B", "C", "D")) {
            stubs.append("  ").append(id).append(":\n    cmd: server --port ${PORT}\n");
        }
        Files.writeString(conf.resolve("stubs.yaml"), stubs);
        LoadResult result = new ConfigLoader(Map.of("HOME", "/home/u", "API_KEY_1", "k1", "API_KEY_2", "k2",
                "OPENROUTER_API_KEY", "sk-or")::get).load(main, Optional.of(conf));
        assertTrue(result.ok(), result.errorReport());
        config = result.config().orElseThrow();
    }

    @Test
    void peerModelsRouteByFqnAndByUniqueBareIdUnderThePeersOwnId() {
        PeerRoutes routes = PeerRoutes.of(config.peers());
        PeerRoute fqn = routes.find("llama-swap-peer/embeddings/model_c").orElseThrow();
        assertEquals("embeddings/model_c", fqn.peerModel());
        assertEquals("http://192.168.1.23", fqn.peer().proxy());
        assertEquals("llama-swap-peer/model_a", routes.find("model_a").orElseThrow().fqn());
        PeerRoute glm = routes.find("z-ai/glm-4.7").orElseThrow();
        assertEquals("openrouter/z-ai/glm-4.7", glm.fqn());
        assertEquals("sk-or", glm.peer().apiKey());
        assertEquals(9, routes.all().size());
    }

    @Test
    void pinAlwaysUsesTheFirstTarget() {
        assertEquals("gpt-oss-120b", SelectorChoice.pin(config.selectors().get("llm-plan")));
    }

    @Test
    void warmChoosesTheFirstReadyThenStartingElseColdStartsTheFirst() {
        SelectorConfig warm = config.selectors().get("coding-model");
        assertEquals("gpt-oss-120b", SelectorChoice.warm(warm, Map.of(), t -> t));
        assertEquals("qwen-unlisted", SelectorChoice.warm(warm, Map.of("qwen-unlisted", ProcessState.READY,
                "gpt-oss-120b", ProcessState.STARTING), t -> t));
        assertEquals("gpt-oss-120b", SelectorChoice.warm(warm, Map.of("qwen-unlisted", ProcessState.STARTING,
                "gpt-oss-120b", ProcessState.READY), t -> t));
        assertEquals("qwen-unlisted", SelectorChoice.warm(warm, Map.of("qwen-unlisted", ProcessState.STARTING), t -> t));
    }

    @Test
    void spilloverFillsEachTargetToFourBeforeStartingTheNext() {
        SelectorConfig llama = config.selectors().get("llama");
        assertEquals(4, llama.spillover());
        SpilloverCounts counts = new SpilloverCounts("llama", llama.spillover(), llama.targets().stream()
                .map(t -> new SpilloverCounts.Target(t, t, true)).toList());
        Map<String, ProcessState> first = Map.of("docker-llama", ProcessState.READY);
        for (int i = 0; i < 4; i++) {
            assertEquals("docker-llama", counts.reserve(first).name());
        }
        assertEquals("modelA", counts.reserve(first).name());
    }

    @Test
    void theCodingProfilePinsNamesAndSwitchesOneOff() {
        Map<String, String> pins = config.profiles().get("coding").pins();
        assertEquals("gpt-oss-120b", pins.get("llm-code"));
        assertEquals("qwen-unlisted", pins.get("llm-plan"), "a pin may shadow a selector while active");
        assertEquals("", pins.get("image-gen"));
    }
}
