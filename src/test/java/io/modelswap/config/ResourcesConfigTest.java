package io.modelswap.config;

import static io.modelswap.config.ByteSize.GIB;
import static io.modelswap.config.ByteSize.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code resources} keys: sizes, GPUs, defaults, the GGUF guess and the warnings given at load. */
class ResourcesConfigTest {

    private static LoadResult load(String yaml) {
        return new ConfigLoader(name -> null).parse("config.yaml", yaml);
    }

    private static SwapConfig ok(String yaml) {
        LoadResult result = load(yaml);
        assertTrue(result.ok(), result.errorReport());
        return result.config().orElseThrow();
    }

    private static List<String> warnings(String yaml) {
        return load(yaml).warnings().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void withoutAResourcesKeyPlacementIsOff() {
        SwapConfig c = ok("models:\n  a:\n    cmd: server --port ${PORT}\n");
        assertFalse(c.resources().enabled());
    }

    @Test
    void gpusReserveAndModelMemoryAreRead() {
        SwapConfig c = ok("""
                resources:
                  gpus:
                    - {id: 0, memory: 80GiB}
                    - {id: 1, memory: 24000MiB}
                  reserve: 2GiB
                models:
                  qwen:
                    cmd: server --port ${PORT}
                    resources:
                      memory: 24GiB
                      gpus: [1]
                  pinned-by-env:
                    cmd: server --port ${PORT}
                    env: ["CUDA_VISIBLE_DEVICES=0"]
                  plain:
                    cmd: server --port ${PORT}
                """);
        ResourcesConfig r = c.resources();
        assertTrue(r.enabled());
        assertEquals(List.of(new ResourcesConfig.Gpu(0, 80 * GIB), new ResourcesConfig.Gpu(1, 24000 * MIB)), r.gpus());
        assertEquals(2 * GIB, r.reserve());
        assertEquals(new ResourcesConfig.ModelResources(24 * GIB, 0, "", List.of(1)), r.models().get("qwen"));
        assertEquals(List.of(0), r.models().get("pinned-by-env").gpus(), "CUDA_VISIBLE_DEVICES is the default");
        assertFalse(r.models().containsKey("plain"));
    }

    @Test
    void badSizesAndUnknownGpusAreErrorsWithTheirLines() {
        LoadResult result = load("""
                resources:
                  gpus:
                    - {id: 0, memory: lots}
                models:
                  a:
                    cmd: server --port ${PORT}
                    resources:
                      memory: 24GiB
                      gpus: [3]
                """);
        assertFalse(result.ok());
        String report = result.errorReport();
        assertTrue(report.contains("config.yaml:3: resources.gpus[0].memory: must be a size such as 24GiB"), report);
        assertTrue(report.contains("models.a.resources.gpus[0]: GPU 3 is not among resources.gpus"), report);
    }

    @Test
    void aModelThatCanNeverFitIsWarnedAboutAtLoad() {
        List<String> warnings = warnings("""
                resources:
                  gpus: [{id: 0, memory: 24GiB}]
                  reserve: 1GiB
                models:
                  big:
                    cmd: server --port ${PORT}
                    resources: {memory: 30GiB}
                """);
        assertTrue(warnings.contains("config.yaml:7: models.big.resources.memory: 30 GiB will never fit: GPU 0 has"
                + " 24 GiB, 1 GiB reserved; requests for it are refused (503)"), warnings.toString());
    }

    @Test
    void aModelThatWillNotFitNextToAPinnedOneIsAdvisedAtLoad() {
        List<String> warnings = warnings("""
                resources:
                  gpus: [{id: 0, memory: 24GiB}]
                groups:
                  keep:
                    persistent: true
                    swap: false
                    exclusive: false
                    members: [embed]
                models:
                  embed:
                    cmd: server --port ${PORT}
                    resources: {memory: 8GiB}
                  chat:
                    cmd: server --port ${PORT}
                    resources: {memory: 20GiB}
                """);
        assertTrue(warnings.stream().anyMatch(w -> w.contains("models.chat.resources.memory: 20 GiB will not fit next"
                + " to pinned model embed (8 GiB) on GPU 0")), warnings.toString());
    }

    @Test
    void modelResourcesWithoutTheTopLevelKeyAreIgnoredWithAWarning() {
        List<String> warnings = warnings("models:\n  a:\n    cmd: x --port ${PORT}\n    resources: {memory: 1GiB}\n");
        assertTrue(warnings.stream().anyMatch(w -> w.contains("models.a.resources: ignored")), warnings.toString());
    }

    @Test
    void aGgufFileInCmdGivesAFirstGuess(@TempDir Path dir) throws Exception {
        Path gguf = dir.resolve("qwen-7b.gguf");
        Files.write(gguf, new byte[10 * 1024 * 1024]);
        SwapConfig c = ok("resources: {}\nmodels:\n  q:\n    cmd: llama-server -m " + gguf + " --port ${PORT}\n");
        ResourcesConfig.ModelResources q = c.resources().models().get("q");
        assertEquals(10 * MIB + 2 * MIB + GIB, q.guess(), "size + 20% + 1 GiB");
        assertEquals(gguf.toString(), q.guessedFrom());
    }

    @Test
    void splitGgufFilesAreCountedWhole(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("m-00001-of-00002.gguf"), new byte[(int) (4 * MIB)]);
        Files.write(dir.resolve("m-00002-of-00002.gguf"), new byte[(int) (6 * MIB)]);
        assertEquals(GgufGuess.withMargin(10 * MIB),
                GgufGuess.of("llama-server --model=" + dir.resolve("m-00001-of-00002.gguf")).orElseThrow().bytes());
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertEquals(24 * GIB, ByteSize.parse("24GiB"));
        assertEquals(80_000_000_000L, ByteSize.parse("80GB"));
        assertEquals(1536 * MIB, ByteSize.parse("1.5 GiB"));
        assertEquals(1024, ByteSize.parse("1024"));
        assertEquals(-1, ByteSize.parse("24 parsecs"));
        assertEquals("22 GiB", ByteSize.format(22 * GIB));
        assertEquals("1.5 GiB", ByteSize.format(1536 * MIB));
    }
}
