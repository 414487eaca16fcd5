package io.modelswap.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What a valid file may still not do to a running modelswap: a careless edit must not open the API. A file that drops
 * {@code apiKeys} while keys are in force (a truncated file, a half-saved edit, a config dir whose key file went
 * missing) is refused unless it writes {@code apiKeys: []}, which says "no authentication" on purpose. (A file
 * without models is refused by the loader itself unless it writes {@code models: {}}.)
 */
public final class ReloadGuard {

    /** The explicit way to turn API keys off by a reload. */
    public static final String NO_API_KEYS = "apiKeys: []";

    private ReloadGuard() {
    }

    /**
     * Why {@code next} must not replace {@code inForce}; empty when it may.
     *
     * @param source the file name problems are reported against
     */
    public static List<ConfigProblem> refusals(SwapConfig inForce, LoadResult next, String source) {
        List<ConfigProblem> refusals = new ArrayList<>();
        SwapConfig config = next.config().orElse(null);
        if (config == null) {
            return refusals;
        }
        if (inForce.security().authenticates() && !config.security().authenticates()
                && !next.emptyOnPurpose().contains("apiKeys")) {
            refusals.add(new ConfigProblem(source, 0, "apiKeys", "refused: this edit removes every API key, which"
                    + " would open the API to anyone; write '" + NO_API_KEYS + "' to turn authentication off on"
                    + " purpose"));
        }
        return refusals;
    }
}
