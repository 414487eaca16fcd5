package io.modelswap.process;

import java.time.Instant;

/**
 * One real transition of a model's process, published once on the event bus at {@link #ADDRESS}. No-op
 * transitions are never published.
 *
 * @param model  the model ID
 * @param from   the state left
 * @param to     the state entered
 * @param at     when it happened
 * @param reason why, in words an operator can act on (e.g. "health check passed", "evicted for llama-8b")
 * @param cause  why a stop was asked for, on the transition to {@code stopping} that begins it (an aborted start's
 *               included); null for every other transition and for a process that exited or broke on its own
 */
public record StateChange(String model, ProcessState from, ProcessState to, Instant at, String reason,
        StopCause cause) {

    /** Event-bus address of every process state transition. */
    public static final String ADDRESS = "modelswap.process.state";

    /** A transition that is not a stop asked for. */
    public StateChange(String model, ProcessState from, ProcessState to, Instant at, String reason) {
        this(model, from, to, at, reason, null);
    }
}
