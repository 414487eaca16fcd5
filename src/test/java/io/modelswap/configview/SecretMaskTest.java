package io.modelswap.configview;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the effective-configuration view hides. */
class SecretMaskTest {

    private final SecretMask mask = new SecretMask(List.of("sk-live-1234", "ab"));

    @Test
    void envValuesAreHiddenNamesKept() {
        assertEquals("HF_TOKEN=********", mask.env("HF_TOKEN=hf_abc"));
        assertEquals("CUDA_VISIBLE_DEVICES=********", mask.env("CUDA_VISIBLE_DEVICES=0"));
    }

    @Test
    void secretFlagsAndApiKeysAreHiddenInCommandLines() {
        assertEquals("llama-server --port 5800 --api-key ******** -m /models/a.gguf",
                mask.command("llama-server --port 5800 --api-key hunter2 -m /models/a.gguf"));
        assertEquals("vllm serve x --hf-token=******** --max-model-len 4096",
                mask.command("vllm serve x --hf-token=hf_123 --max-model-len 4096"));
        assertEquals("run --header Authorization:Bearer ********",
                mask.command("run --header Authorization:Bearer sk-live-1234"));
        // a key shorter than 4 characters would mask ordinary words: it is left alone
        assertEquals("tab ab", mask.command("tab ab"));
    }

    @Test
    void apiKeysAreHiddenDeepInsideValues() {
        assertEquals(Map.of("provider", Map.of("key", "********")),
                mask.deep(Map.of("provider", Map.of("key", "sk-live-1234"))));
    }
}
