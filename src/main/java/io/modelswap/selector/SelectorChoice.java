package io.modelswap.selector;

import io.modelswap.config.SelectorConfig;
import io.modelswap.process.ProcessState;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * llama-swap's selector strategies ({@code internal/server/selector.go}), pure: given the selector and what the
 * local models are doing, which target a request goes to. {@code warm} and {@code pin} keep no state;
 * {@code spillover} counts the requests it sent to each target ({@link SpilloverCounts}).
 */
final class SelectorChoice {

    private SelectorChoice() {
    }

    /** {@code pin}: always the first target. */
    static String pin(SelectorConfig selector) {
        return selector.targets().get(0);
    }

    /**
     * {@code warm}: the first target whose local model is ready, else the first one starting, else the first target.
     *
     * @param states  local model ID to its state (models not listed are stopped)
     * @param modelOf a target name to its local model ID (aliases resolved)
     */
    static String warm(SelectorConfig selector, Map<String, ProcessState> states, Function<String, String> modelOf) {
        List<String> targets = selector.targets();
        for (String target : targets) {
            if (states.get(modelOf.apply(target)) == ProcessState.READY) {
                return target;
            }
        }
        for (String target : targets) {
            if (states.get(modelOf.apply(target)) == ProcessState.STARTING) {
                return target;
            }
        }
        return targets.get(0);
    }
}
