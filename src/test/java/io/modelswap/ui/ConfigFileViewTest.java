package io.modelswap.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelswap.config.MatrixConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Config page's file view: secrets masked, every line kept where it was. */
class ConfigFileViewTest {

    @Test
    void secretsAreMaskedAndNoLineMoves() {
        String yaml = String.join("\n",
                "apiKeys:",
                "  - sk-one",
                "  - \"sk-two\"",
                "models:",
                "  llama:",
                "    cmd: llama-server --port ${PORT}",
                "    env:",
                "      - HF_TOKEN=hf_secret",
                "      - \"CUDA_VISIBLE_DEVICES=0\"",
                "    # a comment inside",
                "    ttl: 60",
                "peers:",
                "  remote:",
                "    proxy: http://other:8080",
                "    apiKey: peer-secret",
                "    models: [a]",
                "other:",
                "  env: [A=b]",
                "  apiKeys: [x, y]",
                "");
        List<String> lines = ConfigFileView.masked(yaml);
        assertEquals(yaml.split("\n", -1).length, lines.size(), "one line out per line in");
        assertEquals(List.of(
                "apiKeys:",
                "  - ••••••",
                "  - ••••••",
                "models:",
                "  llama:",
                "    cmd: llama-server --port ${PORT}",
                "    env:",
                "      - HF_TOKEN=••••••",
                "      - CUDA_VISIBLE_DEVICES=••••••",
                "    # a comment inside",
                "    ttl: 60",
                "peers:",
                "  remote:",
                "    proxy: http://other:8080",
                "    apiKey: ••••••",
                "    models: [a]",
                "other:",
                "  env: [••••••]",
                "  apiKeys: [••••••]",
                ""), lines);
    }

    @Test
    void listItemsAtTheKeysOwnIndentationAreMaskedToo() {
        assertEquals(List.of("apiKeys:", "- ••••••", "models: {}"),
                ConfigFileView.masked("apiKeys:\n- sk-one\nmodels: {}"));
    }

    @Test
    void aScopedKeyIsMaskedWhereverItsKeyLineSits() {
        assertEquals(List.of("security:", "  apiKeys:", "    - ••••••", "      models: [a]", "    - ••••••",
                "      key: ••••••", "models: {}"),
                ConfigFileView.masked("security:\n  apiKeys:\n    - key: sk-one\n      models: [a]\n"
                        + "    - name: two\n      key: sk-two\nmodels: {}"));
    }

    @Test
    void aModelsMatrixSetsAreTheOnesNamingItDirectlyOrThroughAVar() throws Exception {
        Map<String, String> vars = new LinkedHashMap<>(Map.of("L", "llama-70b", "e", "embed"));
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("big", "L");
        sets.put("small", "(qwen-7b | e) & whisper");
        sets.put("both", "+small & embed");
        MatrixConfig matrix = MatrixConfig.compile(vars, Map.of(), sets,
                List.of("llama-70b", "embed", "qwen-7b", "whisper"));
        assertEquals(List.of("big"), ModelBoard.setsOf("llama-70b", matrix));
        assertEquals(List.of("small", "both"), ModelBoard.setsOf("embed", matrix));
        assertEquals(List.of("small"), ModelBoard.setsOf("whisper", matrix));
        assertEquals(List.of(), ModelBoard.setsOf("unknown", matrix));
    }
}
