package io.modelswap.router;

import io.modelswap.config.SwapConfig;
import io.modelswap.process.ModelProcess;
import java.util.Map;

/**
 * What readers outside the loop may look at: the configuration in force and the process owners. Reading a process's
 * state from here is for display only; a decision to start or stop is never taken from it (it goes to the loop).
 *
 * @param config    the configuration the loop applies
 * @param processes one owner per configured model (and per removed model still stopping)
 */
public record RouterView(SwapConfig config, Map<String, ModelProcess> processes) {
}
