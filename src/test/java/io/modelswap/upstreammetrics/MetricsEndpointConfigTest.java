package io.modelswap.upstreammetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.config.ConfigLoader;
import io.modelswap.config.ConfigProblem;
import io.modelswap.config.LoadResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model's {@code metricsEndpoint}: a path on the upstream, off when absent, a problem with its line otherwise. */
class MetricsEndpointConfigTest {

    private static LoadResult load(String yaml) {
        return new ConfigLoader(Map.<String, String>of()::get).parse("application.yaml", yaml);
    }

    @Test
    void aPathIsKeptAndAbsenceMeansOff() {
        LoadResult result = load("models:\n  a:\n    cmd: x ${PORT}\n    metricsEndpoint: /metrics\n"
                + "  b:\n    cmd: y ${PORT}\n");
        assertTrue(result.ok(), result.errorReport());
        assertTrue(result.warnings().isEmpty(), result.warnings().toString());
        assertEquals("/metrics", result.config().orElseThrow().models().get("a").metricsEndpoint());
        assertEquals("", result.config().orElseThrow().models().get("b").metricsEndpoint());
    }

    @Test
    void anythingButAPathIsAnErrorWithItsLine() {
        for (String bad : List.of("metrics", "http://elsewhere/metrics", "//host/metrics", "\"/a b\"")) {
            LoadResult result = load("models:\n  a:\n    cmd: x ${PORT}\n    metricsEndpoint: " + bad + "\n");
            assertFalse(result.ok(), bad);
            List<String> errors = result.errors().stream().map(ConfigProblem::toString).toList();
            assertTrue(errors.stream().anyMatch(e -> e.startsWith("application.yaml:4: models.a.metricsEndpoint: must be"
                    + " a path on the upstream")), errors.toString());
        }
    }
}
