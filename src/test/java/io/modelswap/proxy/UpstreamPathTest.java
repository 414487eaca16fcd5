package io.modelswap.proxy;

import io.modelswap.http.BadRequestException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.config.ConfigLoader;
import io.modelswap.config.SwapConfig;
import org.junit.jupiter.api.Test;

class UpstreamPathTest {

    private static final SwapConfig CONFIG = new ConfigLoader().parse("test.yaml", """
            models:
              llama:
                cmd: server --port ${PORT}
                aliases: [ll]
              author/model:
                cmd: server --port ${PORT}
              author/model/v2:
                cmd: server --port ${PORT}
            """).config().orElseThrow();

    private static UpstreamPath match(String path) {
        return UpstreamPath.match(path, CONFIG).orElseThrow();
    }

    @Test
    void theRestOfThePathIsKeptPercentEncoded() {
        UpstreamPath path = match("/upstream/llama/echo/a%2Fb/c%20d");
        assertEquals("llama", path.model().id());
        assertEquals("/echo/a%2Fb/c%20d", path.rest());
    }

    @Test
    void aliasesNameTheirModel() {
        assertEquals("llama", match("/upstream/ll/health").model().id());
        assertEquals("ll", match("/upstream/ll/health").requested());
    }

    @Test
    void theLongestModelNameWithSlashesWins() {
        assertEquals("author/model/v2", match("/upstream/author/model/v2/props").model().id());
        assertEquals("/props", match("/upstream/author/model/v2/props").rest());
        assertEquals("author/model", match("/upstream/author/model/props").model().id());
    }

    @Test
    void aPathEndingAtTheModelHasAnEmptyRest() {
        assertEquals("", match("/upstream/llama").rest());
        assertEquals("/", match("/upstream/llama/").rest());
    }

    @Test
    void anEncodedSlashNeverJoinsSegmentsIntoAModelName() {
        assertThrows(BadRequestException.class, () -> UpstreamPath.match("/upstream/author%2Fmodel/x", CONFIG));
    }

    @Test
    void dotSegmentsAreRefused() {
        assertEquals(400, assertThrows(BadRequestException.class,
                () -> UpstreamPath.match("/upstream/llama/../author/model/x", CONFIG)).status());
        assertEquals(400, assertThrows(BadRequestException.class,
                () -> UpstreamPath.match("/upstream/llama/%2e%2e/x", CONFIG)).status());
        assertEquals(400, assertThrows(BadRequestException.class,
                () -> UpstreamPath.match("/upstream/../llama/x", CONFIG)).status());
    }

    @Test
    void anUnknownModelMatchesNothing() {
        assertTrue(UpstreamPath.match("/upstream/nope/x", CONFIG).isEmpty());
        assertTrue(UpstreamPath.match("/v1/models", CONFIG).isEmpty());
    }
}
