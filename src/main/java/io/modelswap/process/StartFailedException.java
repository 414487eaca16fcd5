package io.modelswap.process;

import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;

/**
 * Why {@link ModelProcess#ensureReady()} failed: a {@link ServeFailure} whose cause the client sees as it is (504 for a
 * health-check timeout, 502 for the rest), with the owner's own detail in {@link #kind()}. The message names the
 * model and says what to do.
 */
public final class StartFailedException extends ServeFailure {

    /** What went wrong, as the process owner saw it. */
    public enum Kind {
        /** The command could not be run: not found, not executable, or not splittable. */
        SPAWN_FAILED,
        /** The process exited while starting. */
        EXITED,
        /** The health check did not answer 200 within {@code healthCheckTimeout}. */
        HEALTH_TIMEOUT,
        /** Another process, not the model's, listens on the model's port and answered its health check. */
        PORT_TAKEN,
        /** A stop arrived while starting (unload, eviction, reload). */
        ABORTED,
        /** The process owner is shut down and starts nothing any more. */
        SHUT_DOWN;

        /** The cause a client sees: a timeout is told apart from every other failed start. */
        FailureCause cause() {
            return this == HEALTH_TIMEOUT ? FailureCause.START_TIMEOUT : FailureCause.START_FAILED;
        }
    }

    private final Kind kind;

    public StartFailedException(String model, Kind kind, String message) {
        super(kind.cause(), model, message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
