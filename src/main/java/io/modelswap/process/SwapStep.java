package io.modelswap.process;

import java.time.Duration;
import java.util.Locale;

/**
 * One step that makes a swap cheaper, as a process owner took it: putting the upstream to sleep, waking it, saving or
 * restoring one of its llama-server slots. Published once on {@link #ADDRESS} (swap metrics count them); the state
 * transitions of a sleep or wake are published as {@link StateChange}s besides.
 *
 * @param model     the model ID
 * @param kind      which step
 * @param succeeded whether it worked (a failed sleep is followed by a stop, a failed wake by a cold start)
 * @param took      how long it took
 * @param detail    the slot file, the action taken, or why it failed
 */
public record SwapStep(String model, Kind kind, boolean succeeded, Duration took, String detail) {

    /** Event-bus address of every swap step. */
    public static final String ADDRESS = "modelswap.process.swap-step";

    /** The steps. */
    public enum Kind {
        SLEEP, WAKE, SLOT_SAVE, SLOT_RESTORE;

        /** The metric label: the name in lower case. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
