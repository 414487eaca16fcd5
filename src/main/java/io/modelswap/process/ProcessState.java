package io.modelswap.process;

/**
 * Lifecycle states of one model's upstream process. {@code stopped → starting → ready → stopping → stopped};
 * a failed start goes back to {@code stopped}; {@code shutdown} is terminal. A model with {@code sleep:} that the
 * swapper evicts goes {@code ready → stopping → sleeping} instead (its process stays, its accelerator memory is given
 * back), and a request wakes it {@code sleeping → starting → ready}; a stop for any other reason ends a sleep with
 * {@code sleeping → stopping → stopped}.
 */
public enum ProcessState {
    STOPPED, STARTING, READY, STOPPING, SLEEPING, SHUTDOWN;

    /** The lower-case name used in the API ({@code /running}, {@code /api/events}), as llama-swap spells it. */
    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a process exists or is being made to exist (what llama-swap calls "running"); a sleeping one does. */
    public boolean isRunning() {
        return this == STARTING || this == READY || this == STOPPING || this == SLEEPING;
    }

    /**
     * Whether the process holds (or is taking) its accelerator memory: running and not asleep. What eviction and
     * memory-aware placement count; a sleeping model's memory counts as free.
     */
    public boolean holdsAccelerator() {
        return isRunning() && this != SLEEPING;
    }
}
