package io.modelswap.router;

import java.util.Locale;
import java.util.Optional;

/**
 * Why the router stops a model. The cause opens the reason text the process owner publishes in its
 * {@code StateChange}, so logs read naturally and metrics ({@code modelswap_evictions_total{reason}}) can tell the
 * cause back from the text: both sides use this one definition of the wording.
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

    /** The cause a published reason text opens with, if any (an upstream that exited on its own has none). */
    public static Optional<StopCause> of(String reason) {
        if (reason != null) {
            for (StopCause cause : values()) {
                if (reason.startsWith(cause.opening)) {
                    return Optional.of(cause);
                }
            }
        }
        return Optional.empty();
    }
}
