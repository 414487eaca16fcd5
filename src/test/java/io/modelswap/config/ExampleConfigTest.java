package io.modelswap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleConfigTest {

    static String example() throws IOException {
        try (InputStream in = ExampleConfigTest.class.getResourceAsStream("/llama-swap/config.example.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static final Map<String, String> ENV = Map.of("HOME", "/home/u", "API_KEY_1", "k1", "API_KEY_2", "k2",
            "OPENROUTER_API_KEY", "sk-or");

    /**
     * The example is only checked against llama-swap's JSON schema upstream; llama-swap's loader itself rejects it
     * (unlisted-model has no ${PORT} in cmd but the default proxy uses it, and priorities/selectors name models
     * the file does not define). Exactly those reference errors, nothing structural.
     */
    @Test
    void unmodifiedExampleHasOnlyTheReferenceErrorsLlamaSwapAlsoReports() throws IOException {
        LoadResult result = new ConfigLoader(ENV::get).parse("config.example.yaml", example());
        for (ConfigProblem problem : result.errors()) {
            assertTrue(problem.message().startsWith("unknown model") && !problem.keyPath().startsWith("hooks")
                    || problem.keyPath().equals("models.unlisted-model.proxy"), problem.toString());
        }
        assertTrue(result.errors().stream().anyMatch(p -> p.toString().equals(
                "config.example.yaml:459: models.unlisted-model.proxy: uses ${PORT} but cmd does not; ${PORT} is"
                        + " only allocated to a model whose cmd uses it, so set proxy to the model's fixed address")),
                result.errorReport());
    }

    /** The example with a fixed proxy for unlisted-model, and the models it refers to defined in a config dir. */
    @Test
    void llamaSwapExampleLoadsWithoutError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        java.nio.file.Path main = dir.resolve("config.yaml");
        // group1 lists "llama", which the example defines as a selector, not a model: modelswap requires group
        // members to be models (llama-swap does not check), so the test points it at a model.
        java.nio.file.Files.writeString(main, example().replace("cmd: some-upstream-server",
                "cmd: some-upstream-server\n    proxy: http://127.0.0.1:9999")
                .replace("            - \"llama\"\n", "            - \"gpt-oss-120b\"\n"));
        java.nio.file.Path conf = java.nio.file.Files.createDirectory(dir.resolve("conf.d"));
        StringBuilder stubs = new StringBuilder("models:\n");
        for (String id : java.util.List.of("qwen-unlisted", "modelA", "modelB", "forever-modelA",
                "forever-modelB", "forever-modelc", "A", "B", "C", "D")) {
            stubs.append("  ").append(id).append(":\n    cmd: server --port ${PORT}\n");
        }
        java.nio.file.Files.writeString(conf.resolve("stubs.yaml"), stubs);
        LoadResult result = new ConfigLoader(ENV::get).load(main, java.util.Optional.of(conf));
        assertTrue(result.ok(), result.errorReport());
        // preload names "llama", a selector; llama-swap drops it silently, modelswap with a warning. No unknown keys;
        // the other warnings name keys modelswap does not act on yet (UnimplementedKeys).
        List<ConfigProblem> warnings = result.warnings().stream()
                .filter(w -> !w.message().startsWith("parsed but not acted on")).toList();
        assertEquals(1, warnings.size(), result.warnings().toString());
        assertTrue(warnings.get(0).keyPath().startsWith("hooks.on_startup.preload"));
        // the example sets logLevel, logToStdout and logTimeFormat, which modelswap applies: no warning for them
        assertTrue(result.warnings().stream().noneMatch(w -> w.keyPath().startsWith("log")),
                result.warnings().toString());
        SwapConfig config = result.config().orElseThrow();
        assertTrue(config.models().containsKey("gpt-oss-120b"));
        assertTrue(config.apiKeys().containsAll(java.util.List.of("k1", "k2")), config.apiKeys().toString());
    }
}
