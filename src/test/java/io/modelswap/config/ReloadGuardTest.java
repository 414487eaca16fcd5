package io.modelswap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A careless edit must not open the API (issue 11, point 2). */
class ReloadGuardTest {

    private static final String MODELS = "models:\n  a:\n    cmd: x ${PORT}\n";

    private static SwapConfig config(String yaml) {
        return ConfigLoaderTest.ok(yaml);
    }

    @Test
    void droppingApiKeysWhileTheyAreSetIsRefused() {
        SwapConfig inForce = config("apiKeys: [k1]\n" + MODELS);
        List<ConfigProblem> refusals = ReloadGuard.refusals(inForce, ConfigLoaderTest.load(MODELS), "config.yaml");
        assertEquals(List.of("config.yaml: apiKeys: refused: this edit removes every API key, which would open the API"
                + " to anyone; write 'apiKeys: []' to turn authentication off on purpose"),
                refusals.stream().map(ConfigProblem::toString).toList());
        assertEquals(1, ReloadGuard.refusals(inForce, ConfigLoaderTest.load("apiKeys:\n" + MODELS), "c").size(),
                "an empty 'apiKeys:' is a deleted list, not a decision");
    }

    @Test
    void apiKeysWrittenEmptyOnPurposeOrChangedKeysAreAccepted() {
        SwapConfig inForce = config("apiKeys: [k1]\n" + MODELS);
        assertTrue(ReloadGuard.refusals(inForce, ConfigLoaderTest.load("apiKeys: []\n" + MODELS), "c").isEmpty());
        assertTrue(ReloadGuard.refusals(inForce, ConfigLoaderTest.load("apiKeys: [k2]\n" + MODELS), "c").isEmpty());
        assertTrue(ReloadGuard.refusals(config(MODELS), ConfigLoaderTest.load(MODELS), "c").isEmpty());
    }
}
