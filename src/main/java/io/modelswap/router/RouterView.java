package io.modelswap.router;

import io.modelswap.config.SwapConfig;
import io.modelswap.process.ProcessView;
import java.util.Map;

/**
 * What readers outside the loop may look at: the configuration in force and a read-only view of each process. Reading
 * a process's state from here is for display only; a decision to start or stop is never taken from it (it goes to the
 * loop as a message).
 *
 * @param config    the configuration the loop applies
 * @param processes one view per configured model (and per removed model still stopping)
 */
public record RouterView(SwapConfig config, Map<String, ProcessView> processes) {
}
