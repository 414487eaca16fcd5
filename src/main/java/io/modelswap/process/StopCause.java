package io.modelswap.process;

import java.util.Locale;

/**
 * Why a model is stopped on purpose. The router picks it; the process owner carries it into the {@link StateChange}
 * of the stop, typed, for metrics ({@code modelswap_evictions_total{reason}}), and opens the reason text with its
 * words for logs and events. Nothing reads the cause back from that text.
 */
public enum StopCause {
    /** Stopped to make room for another model. */
    SWAP("evicted to make room for "),
    /** Idle for longer than its {@code ttl}. */
    TTL("idle for its ttl of "),
    /** Unloaded through one of the unload endpoints. */
    UNLOAD("unloaded through the API"),
    /** Changed or removed by a configuration reload. */
    RELOAD("configuration reloaded"),
    /** Its load was cancelled: every request waiting for it went away. */
    CANCELLED("load cancelled: every request waiting for it went away"),
    /** Asleep for longer than its {@code sleep.maxAsleep}: the process owner stops it for real. */
    MAX_ASLEEP("asleep for longer than its maxAsleep of "),
    /** modelswap is shutting down (the process owner's own shutdown uses the same words). */
    SHUTDOWN("shutting down");

    private final String opening;

    StopCause(String opening) {
        this.opening = opening;
    }

    /** The reason text for a stop with this cause; {@code detail} follows the opening words. */
    public String reason(String detail) {
        return opening + detail;
    }

    /** The metric label: the cause's name in lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
