package io.modelswap.process;

/**
 * Lifecycle states of one model's upstream process. {@code stopped → starting → ready → stopping → stopped};
 * a failed start goes back to {@code stopped}; {@code shutdown} is terminal.
 */
public enum ProcessState {
    STOPPED, STARTING, READY, STOPPING, SHUTDOWN;

    /** The lower-case name used in the API ({@code /running}, {@code /api/events}), as llama-swap spells it. */
    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a process exists or is being made to exist (what llama-swap calls "running"). */
    public boolean isRunning() {
        return this == STARTING || this == READY || this == STOPPING;
    }
}
