package io.modelswap.process;

import io.modelswap.config.ModelConfig;
import java.util.OptionalLong;

/**
 * What anyone may read of one model's process: its definition, its state, its pid and its output. For display only:
 * a decision to start or stop is never taken from it (the state read here races with the transitions still on their
 * way to the run loop); it goes to the loop as a message, and the loop tells the owner.
 */
public interface ProcessView {

    /** The definition the process runs (or will run). */
    ModelConfig config();

    /** The state as of now, advisory. */
    ProcessState state();

    /** The upstream's process id while one exists. */
    OptionalLong pid();

    /** The process's output, bounded; subscribing to it reads, it changes nothing. */
    LogRing logs();
}
