package io.modelswap.proxy;

import io.modelswap.http.BadRequestException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.backend.Acquisition;
import io.modelswap.backend.ModelBackend;
import io.modelswap.backend.ServedModel;
import io.modelswap.config.ConfigLoader;
import io.modelswap.config.SwapConfig;
import java.util.Optional;
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

    /** A backend that only resolves names, as the local one does, from the configuration above. */
    private static final ModelBackend NAMES = new ModelBackend() {
        @Override
        public String kind() {
            return "local";
        }

        @Override
        public Optional<ServedModel> find(String name) {
            return CONFIG.resolve(name).map(m -> new ServedModel(this, m.id(), m.useModelName(), m.filters(),
                    m.sendLoadingState()));
        }

        @Override
        public Acquisition acquire(ServedModel model) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean looksReady(ServedModel model) {
            return false;
        }
    };

    private static UpstreamPath match(String path) {
        return UpstreamPath.match(path, NAMES::find).orElseThrow();
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
        assertThrows(BadRequestException.class, () -> UpstreamPath.match("/upstream/author%2Fmodel/x", NAMES::find));
    }

    @Test
    void dotSegmentsAreRefused() {
        assertEquals(400, assertThrows(BadRequestException.class,
                () -> UpstreamPath.match("/upstream/llama/../author/model/x", NAMES::find)).status());
        assertEquals(400, assertThrows(BadRequestException.class,
                () -> UpstreamPath.match("/upstream/llama/%2e%2e/x", NAMES::find)).status());
        assertEquals(400, assertThrows(BadRequestException.class,
                () -> UpstreamPath.match("/upstream/../llama/x", NAMES::find)).status());
    }

    @Test
    void anUnknownModelMatchesNothing() {
        assertTrue(UpstreamPath.match("/upstream/nope/x", NAMES::find).isEmpty());
        assertTrue(UpstreamPath.match("/v1/models", NAMES::find).isEmpty());
    }
}
